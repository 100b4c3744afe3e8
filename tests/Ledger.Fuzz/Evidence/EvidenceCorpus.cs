using System.Security.Cryptography;
using System.Text;
using Ledger.Cli.Evidence;
using Ledger.Client.Tests.Support;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;

namespace Ledger.Fuzz.Evidence;

/// <summary>One real bundle the mutations start from, with what a verifier is normally told about it and the keys that can re-sign its transactions.</summary>
public sealed record SeedBundle(string Name, string Suite, string ChainId, byte[] Bundle, byte[] GenesisSha256, byte[] Content, IReadOnlyList<KeyPair> Signers);

/// <summary>
/// The real bundles of every suite the differential fuzzer mutates: <see cref="SampleChain"/>'s
/// registrations, duplicates, batch items and checkpoint, and <see cref="GovernanceChain"/>'s
/// node-set and key changes. Built once per process: ECDSA and SM2 signatures (and GovernanceChain's
/// keys) are random, so the exact bytes of those suites differ between runs; a finding is therefore
/// always written out with its bytes (<see cref="DiffCaseFile"/>).
/// </summary>
public static class EvidenceCorpus
{
    private static readonly Lazy<IReadOnlyList<SeedBundle>> Built = new(Build);

    public static IReadOnlyList<SeedBundle> All => Built.Value;

    private static List<SeedBundle> Build()
    {
        var seeds = new List<SeedBundle>();
        foreach (var suite in CryptoSuites.All)
        {
            var chain = new SampleChain(suite: suite);
            // SampleChain derives its keys from public seeds (its Key method); re-deriving them lets mutated envelopes be re-signed.
            KeyPair[] sampleSigners = [.. ((string[])["admin", "studio", "platform"]).Select(name => suite.ImportPrivateKey(SHA256.HashData(Encoding.UTF8.GetBytes($"ledger evidence sample key: {name}"))))];
            void AddSample(string name, EvidenceBundle bundle) =>
                seeds.Add(new SeedBundle($"{suite.Name}/{name}", suite.Name, SampleChain.ChainId, EvidenceBundleJson.Write(bundle), chain.GenesisSha256, SampleChain.WorkContent, sampleSigners));

            AddSample("valid", chain.StudioWorkBundle());
            AddSample("item-valid-early", chain.StudioItemBundle(1));
            AddSample("rejected", chain.PlatformWorkBundle());
            AddSample("rejected-without-prior", chain.PlatformWorkBundle(withPrior: false));
            AddSample("item-valid", chain.PlatformItemBundle(0));
            AddSample("item-rejected", chain.PlatformItemBundle(1));
            AddSample("item-rejected-prior-item", chain.PlatformItemBundle(2));
            AddSample("rejected-prior-is-item", chain.PlatformCopyOfItemBundle());

            var governance = new GovernanceChain(suite);
            var governanceSha256 = SHA256.HashData(governance.GenesisBytes);
            KeyPair[] governanceSigners = [governance.PlatformOld, governance.PlatformNew];
            seeds.Add(new SeedBundle($"{suite.Name}/governance", suite.Name, GovernanceChain.ChainId, EvidenceBundleJson.Write(governance.NewKeyBundle()), governanceSha256, SampleChain.WorkContent, governanceSigners));
            seeds.Add(new SeedBundle($"{suite.Name}/governance-without-changes", suite.Name, GovernanceChain.ChainId, EvidenceBundleJson.Write(governance.NewKeyBundle(withGovernance: false)), governanceSha256, SampleChain.WorkContent, governanceSigners));
        }

        return seeds;
    }
}
