using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Cli.Evidence;
using Ledger.Client.Tests.Support;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Hashing;

namespace Ledger.Browser.Tests.Matrix;

/// <summary>
/// The bundles the in-browser verifier is cross-checked on (issue #17 item 5), per suite: cut from
/// <see cref="SampleChain"/> (registrations, duplicates, batch items, a checkpoint) and
/// <see cref="GovernanceChain"/> (node set and member key changes), each with the C# verdict.
/// </summary>
public static class CrossCheckMatrix
{
    /// <summary>The bundle whose JSON has every member of the format but the governance ones: a rejected batch item whose prior registration is itself a batch item, with a checkpoint.</summary>
    public const string RichestBundle = "item-rejected-prior-item";

    public const string GovernanceBundle = "governance";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<IReadOnlyList<MatrixCase>>> Built = new(StringComparer.Ordinal);

    /// <summary>Every case of every suite, suites in CryptoSuites order.</summary>
    public static IReadOnlyList<MatrixCase> All() => [.. CryptoSuites.Names.SelectMany(Of)];

    /// <summary>The cases of one suite, built once per test run (ECDSA and SM2 signatures are randomized: every reader sees the same bytes).</summary>
    public static IReadOnlyList<MatrixCase> Of(string suiteName) =>
        Built.GetOrAdd(suiteName, name => new Lazy<IReadOnlyList<MatrixCase>>(() => ForSuite(CryptoSuites.Get(name)))).Value;

    public static IReadOnlyList<MatrixCase> ForSuite(ICryptoSuite suite)
    {
        var chain = new SampleChain(suite: suite);
        var governance = new GovernanceChain(suite);
        var trusted = chain.GenesisSha256;
        var governanceTrusted = SHA256.HashData(governance.GenesisBytes);
        var work = EvidenceBundleJson.Write(chain.StudioWorkBundle());
        var rejected = EvidenceBundleJson.Write(chain.PlatformWorkBundle());
        var richest = EvidenceBundleJson.Write(chain.PlatformItemBundle(2));
        var governed = EvidenceBundleJson.Write(governance.NewKeyBundle());
        var cases = new List<MatrixCase>();
        void Add(string name, byte[] bundle, byte[]? trustedGenesis, ContentDigest? content = null) =>
            cases.Add(new MatrixCase($"{suite.Name}/{name}", suite.Name, bundle, trustedGenesis, content));

        Add("valid", work, trusted);
        Add("valid/right-content", work, trusted, Digest(SampleChain.WorkContent, suite));
        Add("valid/wrong-content", work, trusted, Digest(Encoding.UTF8.GetBytes("another photograph"), suite));
        Add("rejected", rejected, trusted);
        Add("rejected/right-content", rejected, trusted, Digest(SampleChain.WorkContent, suite));
        Add("rejected/without-prior", EvidenceBundleJson.Write(chain.PlatformWorkBundle(withPrior: false)), trusted);
        Add("rejected/prior-is-item", EvidenceBundleJson.Write(chain.PlatformCopyOfItemBundle()), trusted);
        Add("item-valid", EvidenceBundleJson.Write(chain.PlatformItemBundle(0)), trusted);
        Add("item-valid/early-batch", EvidenceBundleJson.Write(chain.StudioItemBundle(1)), trusted);
        Add("item-rejected", EvidenceBundleJson.Write(chain.PlatformItemBundle(1)), trusted);
        Add(RichestBundle, richest, trusted);
        Add("wrong-genesis", work, SHA256.HashData(governance.GenesisBytes));
        Add("wrong-genesis/rejected", rejected, SHA256.HashData(governance.GenesisBytes));
        Add("not-anchored", work, null);
        Add("not-anchored/rejected", rejected, null);
        Add(GovernanceBundle, governed, governanceTrusted);
        Add($"{GovernanceBundle}/not-anchored", governed, null);
        Add($"{GovernanceBundle}/without-governance", EvidenceBundleJson.Write(governance.NewKeyBundle(withGovernance: false)), governanceTrusted);
        var changeCount = governance.NewKeyBundle().GovernanceChanges.Count;
        for (var i = 0; i < changeCount; i++)
        {
            Add($"{GovernanceBundle}/missing-change-{i}", RemoveElement(governed, "governanceChanges", i), governanceTrusted);
        }

        Add("malformed/not-json", Encoding.UTF8.GetBytes("this is not an evidence bundle"), trusted);
        Add("malformed/truncated", work[..(work.Length / 2)], trusted);
        foreach (var (path, tampered) in BundleTampering.EveryMember(richest))
        {
            Add($"tampered/{RichestBundle}/{path}", tampered, trusted);
        }

        foreach (var member in (string[])["governanceChanges", "nodeSetAnchors"])
        {
            foreach (var (path, tampered) in BundleTampering.EveryMember(governed, under: member))
            {
                Add($"tampered/{GovernanceBundle}/{path}", tampered, governanceTrusted);
            }
        }

        return cases;
    }

    /// <summary>What <c>ledger evidence verify --content</c> computes: SHA-256, and SM3 for an sm2-sm3 consortium.</summary>
    public static ContentDigest Digest(byte[] content, ICryptoSuite suite)
    {
        byte[]? sm3 = null;
        if (suite.Name == CryptoSuites.Sm2Sm3Name)
        {
            sm3 = new byte[Sm3HashAlgorithm.Instance.HashSizeBytes];
            Sm3HashAlgorithm.Instance.Hash(content, sm3);
        }

        return new ContentDigest(SHA256.HashData(content), sm3);
    }

    private static byte[] RemoveElement(byte[] bundle, string arrayMember, int index)
    {
        var root = JsonNode.Parse(bundle)!;
        root[arrayMember]!.AsArray().RemoveAt(index);
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
