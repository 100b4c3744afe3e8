using Ledger.Client.Tests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Evidence;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Verification;

public sealed class CertifiedHeaderVerifierTests
{
    private static readonly TestChain Chain = new();

    /// <summary>The chain's own node keys attest a header that names another chain id (keys reused across consortia).</summary>
    private static CertifiedHeader FromAnotherChain()
    {
        var header = Chain.Block2.Header.Clone();
        header.ChainId = "another-chain";
        var certified = new CertifiedHeader { Header = header };
        for (var i = 0; i < Chain.NodeKeys.Count; i++)
        {
            certified.Attestations.Add(BlockAttestations.Sign(Chain.NodeKeys[i], $"node-{i + 1}", header, Chain.Suite.Hash));
        }

        return certified;
    }

    [Test]
    public void Check_QuorumOfGenesisNodesOnThisChain_IsCertified()
    {
        var attesters = new List<string>();

        var failure = CertifiedHeaderVerifier.Check(Chain.Block2, Chain.Genesis, attesters);

        Assert.That(failure, Is.Null);
        Assert.That(attesters, Is.EquivalentTo(new[] { "node-1", "node-2", "node-3" }));
    }

    [Test]
    public void Check_HeaderFromAnotherChain_IsRefused()
    {
        var foreign = FromAnotherChain();

        var failure = CertifiedHeaderVerifier.Check(foreign, Chain.Genesis);

        Assert.That(failure, Does.Contain("another-chain").And.Contain(TestChain.ChainId));
    }

    [Test]
    public void Check_HugeForeignChainId_RefusalQuotesABoundedPart()
    {
        var foreign = FromAnotherChain();
        foreign.Header.ChainId = new string('x', 100_000);

        var failure = CertifiedHeaderVerifier.Check(foreign, Chain.Genesis);

        Assert.That(failure!.Length, Is.LessThan(CertifiedHeaderVerifier.QuotedChainIdCharsMax + 200));
    }

    [Test]
    public void Check_MalformedHeaderOfThisChain_IsRefusedNotThrown()
    {
        var malformed = Chain.Block2.Clone();
        malformed.Header.ProposerNodeId = new string('n', 100_000);

        var failure = CertifiedHeaderVerifier.Check(malformed, Chain.Genesis);

        Assert.That(failure, Does.Contain("malformed"));
    }
}
