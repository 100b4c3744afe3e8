namespace Ledger.Fuzz;

/// <summary>
/// Structure-aware fuzzers for what an insider can send: <c>apply</c> (signed transactions with
/// mutated bodies and raw envelopes, through the door and the rules of two independent replicas) and
/// <c>peer</c> (mutated Raft frames and snapshot chunks from an admitted peer against a live cluster),
/// <c>batch-input</c> (<c>ledger batch-register</c>'s manifests and journal files, read from outside),
/// <c>records</c> (per-transaction block records from a damaged disk, and the dual content-hash fields of
/// registrations and batch items under each suite).
/// </summary>
public static class FuzzCommandLine
{
    public const string Usage = "usage: Ledger.Fuzz apply|peer|evidence-diff|batch-input|records [--cases N] [--seed S] [--recovery-claims] [--replay FILE] [--named-pipe]";

    /// <returns>The process exit code: 0 when the run found nothing, 1 on a finding, 2 on a usage error.</returns>
    public static int Run(string[] args, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0)
        {
            error.WriteLine(Usage);
            return 2;
        }

        var rest = args[1..];
        switch (args[0])
        {
            case "apply":
                return ApplyFuzzCommand.Run(rest);
            case "peer":
                return PeerFuzzCommand.Run(rest);
            case "evidence-diff":
                return EvidenceDiffCommand.Run(rest);
            case "batch-input":
                return BatchInputFuzzCommand.Run(rest);
            case "records":
                return RecordFuzzCommand.Run(rest);
            default:
                error.WriteLine($"unknown fuzzer '{args[0]}'");
                error.WriteLine(Usage);
                return 2;
        }
    }
}
