namespace Ledger.Core.Merkle;

/// <summary>A Merkle proof failed verification; <see cref="Reason"/> says how. Subtypes let callers catch one cause.</summary>
public class MerkleProofException : Exception
{
    public MerkleProofException(MerkleProofResult reason, string message)
        : base(message)
    {
        if (reason == MerkleProofResult.Valid)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "a valid proof is not an error");
        }

        Reason = reason;
    }

    public MerkleProofResult Reason { get; }

    internal static MerkleProofException Create(MerkleProofResult reason, string message) => reason switch
    {
        MerkleProofResult.RootMismatch => new RootMismatchException(message),
        MerkleProofResult.WrongProofLength => new WrongProofLengthException(message),
        MerkleProofResult.IndexOutOfRange => new ProofIndexOutOfRangeException(message),
        _ => new MerkleProofException(reason, message),
    };
}
