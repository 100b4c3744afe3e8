using Ledger.Core.Crypto;

namespace Ledger.Core.Blocks;

/// <summary>A header field that cannot be canonically encoded (too long, or a string that is not well-formed Unicode).</summary>
public sealed class BlockHeaderEncodingException : LedgerCryptoException
{
    public BlockHeaderEncodingException(string fieldName, string message, Exception? innerException = null)
        : base($"block header field {fieldName}: {message}", innerException)
    {
        FieldName = fieldName;
    }

    /// <summary>The protobuf field name, e.g. "prev_block_hash".</summary>
    public string FieldName { get; }
}
