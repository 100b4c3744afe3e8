using System.Text;
using System.Text.Json;
using Ledger.Core.Merkle;

namespace Ledger.Core.Checkpoints;

/// <summary>
/// Two quorum-signed checkpoints of one origin that cannot both be true: a witness's proof that
/// the consortium showed it a fork. Serialized as JSON (<see cref="ToJson"/>, <see cref="Parse"/>):
/// <code>
/// { "format": "ledger-fork-evidence/v1", "kind": "same-size-different-roots" | "consistency-proof-failed",
///   "detail": "...", "witness": "&lt;name&gt;", "detectedAtUnixSeconds": 0,
///   "earlier": "&lt;signed note&gt;", "later": "&lt;signed note&gt;", "consistencyProof": ["&lt;base64&gt;", ...] }
/// </code>
/// "earlier" is the checkpoint the witness had cosigned; "later" the one it refused. Same size with
/// different roots is conclusive on its own. A failed consistency proof shows the nodes signed both
/// and served a proof that does not connect them; anyone can re-check it
/// (<see cref="Recheck"/>) and ask any node for a proof between the two sizes.
/// </summary>
public sealed class ForkEvidence
{
    public const string FormatName = "ledger-fork-evidence/v1";
    public const string SameSizeDifferentRootsKind = "same-size-different-roots";
    public const string ConsistencyProofFailedKind = "consistency-proof-failed";

    /// <summary>Fork reports are small: two notes and at most 2·64 proof hashes.</summary>
    public const int DocumentBytesMax = 4 * NoteLimits.NoteBytesMax;

    /// <summary>An RFC 9162 consistency proof of a 64-bit tree has at most 2·64 hashes.</summary>
    public const int ProofHashesMax = 128;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = true };

    public ForkEvidence(string kind, string detail, string witness, ulong detectedAtUnixSeconds, SignedNote earlier, SignedNote later, IReadOnlyList<byte[]> consistencyProof)
    {
        if (kind is not (SameSizeDifferentRootsKind or ConsistencyProofFailedKind))
        {
            throw new NoteFormatException($"unknown fork kind '{Truncate(kind)}'");
        }

        if (consistencyProof.Count > ProofHashesMax)
        {
            throw new NoteFormatException($"a consistency proof has at most {ProofHashesMax} hashes");
        }

        Kind = kind;
        Detail = detail;
        Witness = witness;
        DetectedAtUnixSeconds = detectedAtUnixSeconds;
        Earlier = earlier;
        Later = later;
        ConsistencyProof = consistencyProof;
    }

    public string Kind { get; }

    public string Detail { get; }

    public string Witness { get; }

    public ulong DetectedAtUnixSeconds { get; }

    public SignedNote Earlier { get; }

    public SignedNote Later { get; }

    public IReadOnlyList<byte[]> ConsistencyProof { get; }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("format", FormatName);
            writer.WriteString("kind", Kind);
            writer.WriteString("detail", Detail);
            writer.WriteString("witness", Witness);
            writer.WriteNumber("detectedAtUnixSeconds", DetectedAtUnixSeconds);
            writer.WriteString("earlier", Earlier.Format());
            writer.WriteString("later", Later.Format());
            writer.WriteStartArray("consistencyProof");
            foreach (var hash in ConsistencyProof)
            {
                writer.WriteBase64StringValue(hash);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Parses a fork report; throws only <see cref="NoteFormatException"/>.</summary>
    public static ForkEvidence Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > DocumentBytesMax)
        {
            throw new NoteFormatException($"fork evidence is longer than {DocumentBytesMax} bytes");
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "format") != FormatName)
            {
                throw new NoteFormatException($"not a {FormatName} document");
            }

            var proof = new List<byte[]>();
            var proofElement = root.GetProperty("consistencyProof");
            if (proofElement.GetArrayLength() > ProofHashesMax)
            {
                throw new NoteFormatException($"a consistency proof has at most {ProofHashesMax} hashes");
            }

            foreach (var hash in proofElement.EnumerateArray())
            {
                proof.Add(hash.GetBytesFromBase64());
            }

            return new ForkEvidence(
                String(root, "kind"),
                String(root, "detail"),
                String(root, "witness"),
                root.GetProperty("detectedAtUnixSeconds").GetUInt64(),
                SignedNote.Parse(String(root, "earlier")),
                SignedNote.Parse(String(root, "later")),
                proof);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            throw new NoteFormatException($"fork evidence is malformed: {Truncate(exception.Message)}", exception);
        }
    }

    /// <summary>
    /// Re-checks the evidence from scratch: both notes quorum-signed under <paramref name="trust"/>,
    /// and the conflict its kind claims. Null when it holds, else why not.
    /// </summary>
    public string? Recheck(CheckpointTrust trust, MerkleHasher hasher)
    {
        var earlier = CheckpointVerifier.Verify(Earlier, trust);
        var later = CheckpointVerifier.Verify(Later, trust);
        if (!earlier.IsValid || !later.IsValid)
        {
            return $"a checkpoint is not quorum-signed: {earlier.Problem ?? later.Problem}";
        }

        var (small, large) = earlier.Checkpoint!.TreeSize <= later.Checkpoint!.TreeSize
            ? (earlier.Checkpoint, later.Checkpoint)
            : (later.Checkpoint, earlier.Checkpoint);
        var outcome = CheckpointConsistency.Check(hasher, small, large, ConsistencyProof, out _);
        return (Kind, outcome) switch
        {
            (SameSizeDifferentRootsKind, ConsistencyOutcome.SameSizeDifferentRoots) => null,
            (ConsistencyProofFailedKind, ConsistencyOutcome.ProofFailed) => null,
            _ => $"the checkpoints do not conflict as claimed ({Kind}): {outcome}",
        };
    }

    private static string String(JsonElement element, string name) =>
        element.GetProperty(name).GetString() ?? throw new NoteFormatException($"'{name}' is null");

    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
