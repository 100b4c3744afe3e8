namespace Ledger.Fuzz;

/// <summary>The apply fuzzer's command line (being written).</summary>
public static class ApplyFuzzCommand
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("apply fuzzer: not written yet");
        return 2;
    }
}
