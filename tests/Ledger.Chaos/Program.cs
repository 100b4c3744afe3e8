namespace Ledger.Chaos;

/// <summary>Entry point of the chaos harness (issue #16); the rig fills it in.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("ledger chaos harness: not wired yet");
        _ = args;
        return 2;
    }
}
