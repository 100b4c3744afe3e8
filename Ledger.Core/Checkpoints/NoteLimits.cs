namespace Ledger.Core.Checkpoints;

/// <summary>
/// Every bound on signed notes and checkpoints, stated once. The parser (<see cref="SignedNote.Parse(string)"/>,
/// <see cref="Checkpoint.Parse"/>) and the writers check the same constants, so nothing we write is
/// something we would refuse to read.
/// </summary>
public static class NoteLimits
{
    /// <summary>
    /// Whole signed note, UTF-8: a checkpoint body is under 400 bytes and a signature line under 200
    /// (RFC 6962 STH lines are the longest), so 64 KiB leaves room for <see cref="SignatureLinesMax"/> lines.
    /// </summary>
    public const int NoteBytesMax = 64 * 1024;

    /// <summary>
    /// Signature lines per note. The C2SP spec requires verifiers to accept at least 16; Go's
    /// golang.org/x/mod/sumdb/note refuses more than 100, so we never write more than it reads
    /// (nodes: at most ConsortiumGenesis.NodesMax = 64, leaving room for witnesses).
    /// </summary>
    public const int SignatureLinesMax = 100;

    /// <summary>A key name (node signatures use the origin; cosignatures the witness name).</summary>
    public const int KeyNameBytesMax = 256;

    /// <summary>The checkpoint origin line (without its newline).</summary>
    public const int OriginBytesMax = 256;

    /// <summary>Extension lines after the root hash (C2SP: optional, NOT RECOMMENDED; we write none).</summary>
    public const int ExtensionLinesMax = 16;

    /// <summary>One extension line (without its newline).</summary>
    public const int ExtensionLineBytesMax = 1024;

    /// <summary>Decoded bytes of one signature (4-byte key id + signature); RFC 6962 STH lines are about 90.</summary>
    public const int SignatureBytesMax = 1024;

    /// <summary>The root hash size: SHA-256 and SM3 both give 32 bytes, as RFC 6962 checkpoints require.</summary>
    public const int RootHashBytes = 32;

    /// <summary>The uint32 key id that starts every decoded signature.</summary>
    public const int KeyIdBytes = 4;
}
