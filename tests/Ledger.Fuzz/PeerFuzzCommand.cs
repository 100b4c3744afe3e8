namespace Ledger.Fuzz;

/// <summary>The peer-frame fuzzer's command line (being written).</summary>
public static class PeerFuzzCommand
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("peer fuzzer: not written yet");
        return 2;
    }
}
