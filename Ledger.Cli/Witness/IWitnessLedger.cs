namespace Ledger.Cli.Witness;

/// <summary>What a witness asks of the ledger: the node RPCs GetCheckpoint, GetConsistencyProof, AddCosignature.</summary>
public interface IWitnessLedger
{
    /// <summary>The signed checkpoint of <paramref name="treeSize"/> (0 = latest certified) as the node serves it.</summary>
    Task<string> GetCheckpointAsync(ulong treeSize, CancellationToken cancellation);

    /// <summary>The RFC 9162 consistency proof from <paramref name="firstSize"/> to <paramref name="secondSize"/>.</summary>
    Task<IReadOnlyList<byte[]>> GetConsistencyProofAsync(ulong firstSize, ulong secondSize, CancellationToken cancellation);

    /// <summary>Hands the node the checkpoint with this witness's cosignature line.</summary>
    Task AddCosignatureAsync(string signedNote, CancellationToken cancellation);
}
