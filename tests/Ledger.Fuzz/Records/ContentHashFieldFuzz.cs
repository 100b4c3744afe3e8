using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Batches;
using Ledger.Registry.Bounds;

namespace Ledger.Fuzz.Records;

/// <summary>
/// The dual content-hash fields (SHA-256 and SM3) of a RegisterWork and of batch items, under each
/// suite. Hash lengths are drawn around the bound (0, 31, 32, 33, any up to 64). Properties:
/// <list type="bullet">
/// <item>The bounds (door and rules alike) accept exactly what <see cref="ContentHashPolicy"/> accepts,
/// and refuse with MissingField / InvalidField naming the field (the item's index for a batch).</item>
/// <item>Never an exception, whatever the bytes: also for mutated serializations of detached items.</item>
/// <item>An accepted item has canonical bytes: format 1 exactly when it carries no SM3, the registry's
/// encoding and Core's independent one (what verifiers use) are byte-identical, and they decode back
/// to the item.</item>
/// </list>
/// </summary>
public static class ContentHashFieldFuzz
{
    private static readonly string[] Suites = [CryptoSuites.P256Sha256Name, CryptoSuites.Ed25519Name, CryptoSuites.Sm2Sm3Name];

    public static RecordFuzzOutcome Check(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var suite = Suites[random.Next(Suites.Length)];
        return random.Next(3) switch
        {
            0 => CheckRegistration(random, suite),
            1 => CheckBatch(random, suite),
            _ => CheckMutatedItems(random, suite),
        };
    }

    /// <summary>A batch item with hash lengths around the bound, an id and sometimes a perceptual hash.</summary>
    public static BatchItem Item(Random random)
    {
        var item = new BatchItem { ContentSha256 = Hash(random), ContentSm3 = Hash(random), ItemId = "item-" + random.Next(100_000) };
        if (random.Next(2) == 0)
        {
            item.PerceptualHash = (ulong)random.NextInt64();
        }

        return item;
    }

    private static RecordFuzzOutcome CheckRegistration(Random random, string suite)
    {
        var work = new RegisterWork
        {
            MediaType = MediaType.Image,
            Title = "fuzzed work",
            RightsHolder = new RightsHolder { External = new ExternalHolder { Identifier = "seller-1", Name = "Seller" } },
        };
        if (random.Next(10) != 0)
        {
            work.ContentHash = new ContentHash { Sha256 = Hash(random), Sm3 = Hash(random) };
        }

        var violation = BodyBounds.Validate(TransactionType.RegisterWork, work.ToByteString(), suite);
        var expected = work.ContentHash is null
            ? new ContentHashProblem(ContentHashProblemKind.Missing, "content_hash", "content_hash is required")
            : ContentHashPolicy.Check(suite, work.ContentHash.Sha256.Span, work.ContentHash.Sm3.Span);
        return Agrees(violation, expected, expected?.Field ?? "", $"RegisterWork on {suite} with {Describe(work.ContentHash)}");
    }

    private static RecordFuzzOutcome CheckBatch(Random random, string suite)
    {
        var items = new BatchItems();
        for (var i = random.Next(1, 9); i > 0; i--)
        {
            items.Items.Add(Item(random));
        }

        var violation = Validate(suite, items.Items.Count, items.ToByteString(), out var accepted);
        ContentHashProblem? expected = null;
        var field = "";
        for (var i = 0; i < items.Items.Count && expected is null; i++)
        {
            var item = items.Items[i];
            // Where SHA-256 is required, an item without a 32-byte one is refused as InvalidField, worded as
            // before items could carry SM3 (DetachedItemsBounds); otherwise as the policy says.
            expected = ContentHashPolicy.RequiresSha256(suite) && item.ContentSha256.Length != ContentHashPolicy.HashBytes
                ? new ContentHashProblem(ContentHashProblemKind.WrongLength, "content_hash.sha256", "content_sha256 must be 32 bytes")
                : ContentHashPolicy.Check(suite, item.ContentSha256.Span, item.ContentSm3.Span);

            field = expected is null ? "" : $"items[{i}].content_{(expected.Field.EndsWith("sm3", StringComparison.Ordinal) ? "sm3" : "sha256")}";
        }

        var agreement = Agrees(violation, expected, field, $"batch on {suite} with items {string.Join("; ", items.Items.Select(i => Describe(i)))}");
        return agreement.IsFinding || accepted is null ? agreement : CheckEncodings(accepted);
    }

    private static RecordFuzzOutcome CheckMutatedItems(Random random, string suite)
    {
        var items = new BatchItems();
        for (var i = random.Next(1, 6); i > 0; i--)
        {
            items.Items.Add(Item(random));
        }

        var mutated = Batches.ByteMutations.Mutate(items.ToByteArray(), random, out _);
        var violation = Validate(suite, items.Items.Count, ByteString.CopyFrom(mutated), out var accepted);
        if (violation is { } refused)
        {
            return RecordFuzzOutcome.Refused(refused.Detail);
        }

        if (accepted is null)
        {
            return RecordFuzzOutcome.Finding("detached items within bounds, yet no parse was given back");
        }

        if (!accepted.ToByteArray().AsSpan().SequenceEqual(mutated))
        {
            return RecordFuzzOutcome.Finding("mutated detached items that are not the canonical serialization of their parse were accepted");
        }

        foreach (var item in accepted.Items)
        {
            if (ContentHashPolicy.Check(suite, item.ContentSha256.Span, item.ContentSm3.Span) is { } problem)
            {
                return RecordFuzzOutcome.Finding($"mutated detached items were accepted with an item the policy refuses: {problem.Message}");
            }
        }

        return CheckEncodings(accepted);
    }

    private static BoundViolation? Validate(string suite, int itemCount, ByteString detached, out BatchItems? items)
    {
        var body = new BatchRegister { ItemCount = (uint)itemCount, MediaType = MediaType.ProductListing, MerkleRoot = ByteString.CopyFrom(new byte[32]) };
        return DetachedItemsBounds.Validate(TransactionType.BatchRegister, body, detached, suite, out items);
    }

    private static RecordFuzzOutcome Agrees(BoundViolation? violation, ContentHashProblem? expected, string field, string what)
    {
        if (expected is null)
        {
            return violation is { } unexpected
                ? RecordFuzzOutcome.Finding($"{what}: the policy accepts it, the bounds refuse it ({unexpected.Reason}: {unexpected.Detail})")
                : RecordFuzzOutcome.Accepted(what);
        }

        if (violation is not { } refused)
        {
            return RecordFuzzOutcome.Finding($"{what}: the policy refuses it ({expected.Message}), the bounds accept it");
        }

        var reason = expected.Kind == ContentHashProblemKind.Missing ? RejectionReason.MissingField : RejectionReason.InvalidField;
        if (refused.Reason != reason || !refused.Detail.StartsWith(field, StringComparison.Ordinal))
        {
            return RecordFuzzOutcome.Finding($"{what}: refused as {refused.Reason} '{refused.Detail}', expected {reason} naming {field}");
        }

        return RecordFuzzOutcome.Refused(refused.Detail);
    }

    private static RecordFuzzOutcome CheckEncodings(BatchItems items)
    {
        var seen = new Dictionary<string, BatchItem>(StringComparer.Ordinal);
        foreach (var item in items.Items)
        {
            var encoded = BatchItemEncoding.Encode(item);
            var format = item.ContentSm3.IsEmpty ? BatchItemEncoding.FormatVersion : BatchItemEncoding.FormatVersionWithSm3;
            if (encoded[0] != format)
            {
                return RecordFuzzOutcome.Finding($"item {Describe(item)} encodes as format {encoded[0]}, not {format}");
            }

            if (!BatchItemLeaf.Encode(item).AsSpan().SequenceEqual(encoded))
            {
                return RecordFuzzOutcome.Finding($"Core's BatchItemLeaf and the registry's BatchItemEncoding differ for {Describe(item)}");
            }

            seen.TryAdd(Convert.ToHexString(encoded), item);
            if (!BatchItemEncoding.Decode(encoded).Equals(item))
            {
                return RecordFuzzOutcome.Finding($"item {Describe(item)} does not decode back from its canonical bytes");
            }

            if (seen.TryGetValue(Convert.ToHexString(encoded), out var earlier) && !earlier.Equals(item))
            {
                return RecordFuzzOutcome.Finding($"two different items share canonical bytes ({Describe(item)})");
            }
        }

        return RecordFuzzOutcome.Accepted($"{items.Items.Count} items");
    }

    /// <summary>Empty, one short, exact, one long, or any length up to 64 (the bound is 32).</summary>
    private static ByteString Hash(Random random)
    {
        var length = random.Next(8) switch
        {
            0 or 1 => 0,
            2 => 31,
            3 => 33,
            4 => random.Next(65),
            _ => ContentHashPolicy.HashBytes,
        };
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return ByteString.CopyFrom(bytes);
    }

    private static string Describe(ContentHash? hash) => hash is null ? "no content_hash" : $"sha256 {hash.Sha256.Length} bytes, sm3 {hash.Sm3.Length} bytes";

    private static string Describe(BatchItem item) => $"'{item.ItemId}' sha256 {item.ContentSha256.Length} bytes, sm3 {item.ContentSm3.Length} bytes";
}
