using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Node.Governance;

namespace Ledger.Node.Tests.Governance;

/// <summary>
/// A node record whose key does not decode (written before the governance key rules, or by any other
/// path) must never make loading throw: NodeSet.Load runs on the apply thread and at every start, so a
/// throw there would halt the node for ever (issue 14, point 5).
/// </summary>
public sealed class StoredKeyLoadingTests
{
    public static IEnumerable<TestCaseData> BadStoredKeys()
    {
        yield return new TestCaseData(new MemberPublicKey { Suite = "p256-sha256", PublicKey = ByteString.CopyFrom([0x04, .. new byte[64]]) }).SetArgDisplayNames("P-256 (0, 0)");
        yield return new TestCaseData(new MemberPublicKey { Suite = "p256-sha256", PublicKey = ByteString.CopyFromUtf8("not a key") }).SetArgDisplayNames("wrong length");
        yield return new TestCaseData(new MemberPublicKey { Suite = "ed25519", PublicKey = ByteString.CopyFrom([0x01, .. new byte[31]]) }).SetArgDisplayNames("Ed25519 identity");
        yield return new TestCaseData(new MemberPublicKey { Suite = "no-such-suite", PublicKey = ByteString.CopyFrom(new byte[65]) }).SetArgDisplayNames("unknown suite");
        yield return new TestCaseData(new MemberPublicKey()).SetArgDisplayNames("empty");
    }

    [TestCaseSource(nameof(BadStoredKeys))]
    public void Load_ANodeRecordWithABadKey_LoadsItWithoutAKeyInsteadOfThrowing(MemberPublicKey storedKey)
    {
        var records = new NodeRecords().Add("node-1", 0).Add("node-2", 0).Add("node-bad", storedKey, new byte[32], addedAtHeight: 3);

        var set = NodeSet.Load(records.State);

        Assert.Multiple(() =>
        {
            Assert.That(set.Find("node-bad")!.AttestationKey, Is.Null);
            Assert.That(set.Find("node-1")!.AttestationKey, Is.Not.Null);
            Assert.That(set.Active.Select(n => n.NodeId), Is.EqualTo(new[] { "node-1", "node-2", "node-bad" }));
        });
    }

    [TestCaseSource(nameof(BadStoredKeys))]
    public void NodeDirectory_StartingOverARecordWithABadKey_DoesNotThrow(MemberPublicKey storedKey)
    {
        var records = new NodeRecords().Add("node-1", 0).Add("node-bad", storedKey, new byte[32], addedAtHeight: 3);

        Assert.That(
            () => new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, new ConfState([RaftNodeIds.Of("node-1")], [])).Reload(),
            Throws.Nothing);
    }
}
