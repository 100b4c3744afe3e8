using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Core.Crypto;
using Ledger.Core.Signing;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// Makes case <c>index</c> of run <c>seed</c> from a real bundle of <see cref="EvidenceCorpus"/>: zero to
/// three stacked mutations (JSON-level on the bundle, protobuf-level inside a <c>transaction</c> with or
/// without re-signing, JSON-level inside the genesis, document-level, byte-level), then a trusted
/// genesis (the right one, none, a wrong one, or the mutated genesis's own) and a content file (none,
/// the work, another file, empty). Each case draws from its own generator seeded by (seed, index), so
/// <c>--seed S --from-case I --cases 1</c> makes the same mutation again.
/// </summary>
public static class DiffCaseGenerator
{
    public const int MutationsMax = 3;

    private static readonly byte[] OtherContent = Encoding.UTF8.GetBytes("another photograph");

    public static DiffCase Create(long seed, long index, IReadOnlyList<SeedBundle> corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var random = new Random(CaseSeed(seed, index));
        var origin = corpus[random.Next(corpus.Count)];
        var bundle = origin.Bundle;
        byte[]? mutatedGenesisSha256 = null;
        var mutationCount = random.Next(100) switch { < 3 => 0, < 73 => 1, < 93 => 2, _ => MutationsMax };
        var what = new List<string> { origin.Name };
        for (var m = 0; m < mutationCount; m++)
        {
            var root = JsonMutations.TryParseObject(bundle);
            var kind = root is null ? 9 : random.Next(10);
            var raw = new RawJson();
            switch (kind)
            {
                case < 4:
                    what.Add("json: " + JsonMutations.Mutate(root!, random, raw));
                    bundle = JsonMutations.Write(root!, raw);
                    break;
                case < 6:
                    what.Add("protobuf: " + MutateTransaction(root!, random, origin));
                    bundle = JsonMutations.Write(root!, raw);
                    break;
                case 6:
                    var (genesisWhat, genesisSha256) = MutateGenesis(root!, random);
                    what.Add("genesis: " + genesisWhat);
                    mutatedGenesisSha256 = genesisSha256 ?? mutatedGenesisSha256;
                    bundle = JsonMutations.Write(root!, raw);
                    break;
                case 7:
                    var (document, documentWhat) = DocumentMutations.Mutate(bundle, random);
                    what.Add("document: " + documentWhat);
                    bundle = document;
                    break;
                default:
                    var (flipped, byteWhat) = DocumentMutations.MutateBytes(bundle, random);
                    what.Add("bytes: " + byteWhat);
                    bundle = flipped;
                    break;
            }
        }

        var (trusted, trustedWhat) = Trusted(random, origin, corpus, mutatedGenesisSha256);
        var (content, contentWhat) = random.Next(20) switch
        {
            < 11 => ((byte[]?)null, "no content"),
            < 16 => (origin.Content, "the work's content"),
            < 18 => (OtherContent, "other content"),
            _ => ([], "empty content"),
        };
        what.Add(trustedWhat);
        what.Add(contentWhat);
        return new DiffCase(seed, index, string.Join("; ", what), bundle, trusted, content);
    }

    /// <summary>SplitMix64 of (seed, index): stable across runs and platforms (unlike HashCode).</summary>
    public static int CaseSeed(long seed, long index)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }

    private static (byte[]? Trusted, string What) Trusted(Random random, SeedBundle origin, IReadOnlyList<SeedBundle> corpus, byte[]? mutatedGenesisSha256)
    {
        if (mutatedGenesisSha256 is not null && random.Next(10) < 7)
        {
            return (mutatedGenesisSha256, "trusting the mutated genesis");
        }

        return random.Next(100) switch
        {
            < 70 => (origin.GenesisSha256, "trusted genesis"),
            < 82 => (null, "no trusted genesis"),
            < 91 => (NewBytes(random, SHA256.HashSizeInBytes), "wrong trusted genesis"),
            _ => (corpus[random.Next(corpus.Count)].GenesisSha256, "another corpus genesis trusted"),
        };
    }

    private static byte[] NewBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Mutates one <c>transaction</c> (the bundle's, the prior registration's or a governance change's) at
    /// the protobuf level: the SignedTransaction itself, or the envelope inside it (and the body inside
    /// that); then maybe re-signs the envelope with its signer's key and maybe updates the sibling txHash,
    /// so the mutation gets past the signature and hash checks to the ones behind them.
    /// </summary>
    private static string MutateTransaction(JsonObject root, Random random, SeedBundle origin)
    {
        var holders = new List<(JsonObject Holder, string Path)> { (root, "transaction") };
        if (root["priorRegistration"] is JsonObject prior)
        {
            holders.Add((prior, "priorRegistration.transaction"));
        }

        if (root["governanceChanges"] is JsonArray changes)
        {
            holders.AddRange(changes.Select((change, i) => (change as JsonObject, $"governanceChanges[{i}].transaction")).Where(h => h.Item1 is not null).Select(h => (h.Item1!, h.Item2)));
        }

        var (holder, path) = holders[random.Next(holders.Count)];
        if (holder["transaction"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return $"{path} is not a string: left alone";
        }

        byte[] transactionBytes;
        try
        {
            transactionBytes = Convert.FromBase64String(value.GetValue<string>());
        }
        catch (FormatException)
        {
            return $"{path} is not base64: left alone";
        }

        if (WireMessage.TryParse(transactionBytes) is not { } signed)
        {
            return $"{path} is not protobuf: left alone";
        }

        var envelopeField = signed.FirstOrDefault(f => f.Number == 1 && f.WireType == WireField.LengthDelimited);
        var envelope = envelopeField is null ? null : WireMessage.TryParse(envelopeField.Payload);
        string what;
        if (envelope is null || random.Next(5) == 0)
        {
            what = $"{path} SignedTransaction {WireMutations.Mutate(signed, random, WireMutations.NestingDepthMax)}";
        }
        else
        {
            var keyId = envelope.FirstOrDefault(f => f.Number == 5 && f.WireType == WireField.LengthDelimited)?.Payload ?? [];
            what = $"{path} envelope {WireMutations.Mutate(envelope, random)}";
            envelopeField!.Payload = WireMessage.Write(envelope);
            var signer = origin.Signers.FirstOrDefault(key => key.KeyId.Bytes.SequenceEqual(keyId));
            if (signer is not null && random.Next(2) == 0)
            {
                var signature = SigningInput.Sign(signer, SigningContexts.TransactionSignature, origin.ChainId, envelopeField.Payload);
                signed.RemoveAll(f => f.Number == 2);
                signed.Add(new WireField { Number = 2, WireType = WireField.LengthDelimited, Payload = signature });
                what += ", re-signed";
            }
        }

        var bytes = WireMessage.Write(signed);
        holder["transaction"] = Convert.ToBase64String(bytes);
        if (holder["txHash"] is JsonValue && random.Next(10) < 7)
        {
            var hash = CryptoSuites.Get(origin.Suite).Hash;
            var txHash = new byte[hash.HashSizeBytes];
            TransactionHashing.ComputeHash(hash, bytes, txHash);
            holder["txHash"] = Convert.ToHexStringLower(txHash);
            what += ", txHash updated";
        }

        return what;
    }

    /// <summary>Mutates the genesis document inside the bundle (JSON-level, or document-level); returns its new SHA-256.</summary>
    private static (string What, byte[]? Sha256) MutateGenesis(JsonObject root, Random random)
    {
        if (root["genesis"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return ("not a string: left alone", null);
        }

        byte[] genesis;
        try
        {
            genesis = Convert.FromBase64String(value.GetValue<string>());
        }
        catch (FormatException)
        {
            return ("not base64: left alone", null);
        }

        string what;
        if (JsonMutations.TryParseObject(genesis) is { } document && random.Next(5) != 0)
        {
            var raw = new RawJson();
            what = JsonMutations.Mutate(document, random, raw);
            genesis = JsonMutations.Write(document, raw);
        }
        else
        {
            (genesis, what) = DocumentMutations.Mutate(genesis, random);
        }

        root["genesis"] = Convert.ToBase64String(genesis);
        return (what, SHA256.HashData(genesis));
    }
}
