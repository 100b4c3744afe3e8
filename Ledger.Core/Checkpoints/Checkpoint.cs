using System.Globalization;
using System.Text;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// A C2SP transparency log checkpoint (c2sp.org/tlog-checkpoint): the note text
/// <code>
/// &lt;origin&gt;\n
/// &lt;tree size, ASCII decimal, no leading zeroes&gt;\n
/// &lt;base64 of the 32-byte RFC 6962/9162 root hash&gt;\n
/// [&lt;extension line&gt;\n ...]
/// </code>
/// For Ledger the tree is the global transaction log every block header commits to (log_size,
/// log_root), so a checkpoint of size n is exactly a certified header's (log_size, log_root).
/// </summary>
public sealed class Checkpoint
{
    private readonly byte[] rootHash;
    private readonly string[] extensions;

    public Checkpoint(string origin, ulong treeSize, ReadOnlySpan<byte> rootHash, IEnumerable<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(origin);
        CheckOrigin(origin);
        if (rootHash.Length != NoteLimits.RootHashBytes)
        {
            throw new NoteFormatException($"a checkpoint root hash is {NoteLimits.RootHashBytes} bytes, was {rootHash.Length}");
        }

        this.extensions = extensions?.ToArray() ?? [];
        if (this.extensions.Length > NoteLimits.ExtensionLinesMax)
        {
            throw new NoteFormatException($"a checkpoint has at most {NoteLimits.ExtensionLinesMax} extension lines, this one {this.extensions.Length}");
        }

        foreach (var line in this.extensions)
        {
            CheckExtension(line);
        }

        Origin = origin;
        TreeSize = treeSize;
        this.rootHash = rootHash.ToArray();
    }

    /// <summary>The log's identity (for Ledger: <see cref="CheckpointOrigin.For"/>).</summary>
    public string Origin { get; }

    /// <summary>Number of leaves (transactions) in the log.</summary>
    public ulong TreeSize { get; }

    /// <summary>RFC 9162 Merkle tree hash over the first <see cref="TreeSize"/> leaves.</summary>
    public ReadOnlySpan<byte> RootHash => rootHash;

    public IReadOnlyList<string> Extensions => extensions;

    public byte[] RootHashArray() => (byte[])rootHash.Clone();

    /// <summary>The exact note text, every line ending in "\n".</summary>
    public string Format()
    {
        var builder = new StringBuilder();
        builder.Append(Origin).Append('\n')
            .Append(TreeSize.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(rootHash)).Append('\n');
        foreach (var line in extensions)
        {
            builder.Append(line).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>UTF-8 of <see cref="Format"/>: the bytes node signatures and cosignatures cover.</summary>
    public byte[] FormatUtf8() => Encoding.UTF8.GetBytes(Format());

    /// <summary>Parses a note text (for example <see cref="SignedNote.Text"/>); throws only <see cref="NoteFormatException"/>.</summary>
    public static Checkpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        SignedNote.CheckText(text);
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            throw new NoteFormatException($"a checkpoint has at least 3 lines (origin, size, root), this text {lines.Length}");
        }

        if (lines.Length - 3 > NoteLimits.ExtensionLinesMax)
        {
            throw new NoteFormatException($"a checkpoint has at most {NoteLimits.ExtensionLinesMax} extension lines");
        }

        var size = ParseTreeSize(lines[1]);
        var root = StrictBase64.Decode(lines[2], NoteLimits.RootHashBytes, "checkpoint root hash");
        return new Checkpoint(lines[0], size, root, lines[3..]);
    }

    /// <summary>Same origin, size, root and extensions.</summary>
    public bool SameAs(Checkpoint other) =>
        string.Equals(Origin, other.Origin, StringComparison.Ordinal)
        && TreeSize == other.TreeSize
        && RootHash.SequenceEqual(other.RootHash)
        && extensions.SequenceEqual(other.extensions, StringComparer.Ordinal);

    public override string ToString() => $"{Origin} size {TreeSize} root {Convert.ToBase64String(rootHash)}";

    internal static void CheckOrigin(string origin)
    {
        // C2SP: non-empty; SHOULD be a schema-less URL without spaces or '+'. We require what we write.
        if (!NoteSignature.IsValidKeyName(origin) || Encoding.UTF8.GetByteCount(origin) > NoteLimits.OriginBytesMax)
        {
            throw new NoteFormatException($"checkpoint origin is not 1-{NoteLimits.OriginBytesMax} bytes without spaces, '+' or control characters");
        }
    }

    private static void CheckExtension(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length == 0 || line.Contains('\n', StringComparison.Ordinal) || Encoding.UTF8.GetByteCount(line) > NoteLimits.ExtensionLineBytesMax)
        {
            throw new NoteFormatException($"a checkpoint extension line is 1-{NoteLimits.ExtensionLineBytesMax} bytes without a newline");
        }
    }

    private static ulong ParseTreeSize(string line)
    {
        // ASCII decimal, no sign, no leading zeroes (except "0" itself), fits in 64 bits.
        var digitsOnly = line.Length is > 0 and <= 20 && line.All(c => c is >= '0' and <= '9');
        if (!digitsOnly || (line.Length > 1 && line[0] == '0')
            || !ulong.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new NoteFormatException("checkpoint tree size is not a decimal number without leading zeroes that fits in 64 bits");
        }

        return size;
    }
}
