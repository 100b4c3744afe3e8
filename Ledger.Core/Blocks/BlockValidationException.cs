using Ledger.Core.Crypto;

namespace Ledger.Core.Blocks;

/// <summary>A header that failed <see cref="BlockHeaderValidation"/>; <see cref="Error"/> says which rule.</summary>
public sealed class BlockValidationException : LedgerCryptoException
{
    public BlockValidationException(BlockValidationError error, string message)
        : base(message)
    {
        Error = error;
    }

    public BlockValidationError Error { get; }
}
