using Ledger.Consensus;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Node.Governance;

namespace Ledger.Node.Tests.Governance;

public sealed class NodeDirectoryTests
{
    private static ulong Raft(string nodeId) => RaftNodeIds.Of(nodeId);

    [Test]
    public void QuorumAt_KeepsTheAttestersOfEachHeight()
    {
        // Founders 1-3; node-4 added in block 10; node-2 removed in block 20.
        var set = NodeSet.Load(new NodeRecords().Add("node-1", 0).Add("node-2", 0, removedAtHeight: 20).Add("node-3", 0).Add("node-4", 10).State);

        Assert.That(set.QuorumAt(1), Is.EqualTo(2), "3 founders");
        Assert.That(set.QuorumAt(10), Is.EqualTo(2), "the block that adds node-4 is attested by the founders");
        Assert.That(set.QuorumAt(11), Is.EqualTo(3), "4 attesters from the next block");
        Assert.That(set.QuorumAt(20), Is.EqualTo(3), "node-2 still attests the block that removes it");
        Assert.That(set.QuorumAt(21), Is.EqualTo(2), "3 attesters after the removal");
    }

    [Test]
    public void AttestsAt_ANodeAttestsFromTheBlockAfterItsAdditionThroughTheBlockOfItsRemoval()
    {
        var set = NodeSet.Load(new NodeRecords().Add("node-1", 0).Add("node-4", 10, removedAtHeight: 20).State);
        var node4 = set.Find("node-4")!;

        Assert.That(new[] { node4.AttestsAt(10), node4.AttestsAt(11), node4.AttestsAt(20), node4.AttestsAt(21) }, Is.EqualTo(new[] { false, true, true, false }));
        Assert.That(set.Find("node-1")!.AttestsAt(1), Is.True);
    }

    [Test]
    public void Active_ListsOnlyNodesNotRemoved_AndBroadcastTargetsExcludeThisNode()
    {
        var records = new NodeRecords().Add("node-1", 0).Add("node-2", 0, removedAtHeight: 5).Add("node-3", 0);
        var directory = new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, new ConfState([Raft("node-1"), Raft("node-3")], []));

        Assert.That(directory.Nodes.Active.Select(n => n.NodeId), Is.EqualTo(new[] { "node-1", "node-3" }));
        Assert.That(directory.BroadcastTargets, Is.EqualTo(new[] { Raft("node-3") }));
    }

    [Test]
    public void RefusalFor_ActiveNode_IsAdmitted()
    {
        var records = new NodeRecords().Add("node-1", 0).Add("node-2", 0);
        var directory = new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, new ConfState([Raft("node-1"), Raft("node-2")], []));

        Assert.That(directory.RefusalFor("node-2"), Is.Null);
    }

    [Test]
    public void RefusalFor_RemovedNodeStillInRaftMembership_IsAdmittedUntilTheConfChangeApplies()
    {
        var records = new NodeRecords().Add("node-1", 0).Add("node-2", 0, removedAtHeight: 7);
        var directory = new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, new ConfState([Raft("node-1"), Raft("node-2")], []));
        Assert.That(directory.RefusalFor("node-2"), Is.Null);

        directory.OnRaftMembershipApplied(12, new ConfState([Raft("node-1")], []));

        Assert.That(directory.RefusalFor("node-2"), Does.Contain("removed").And.Contain("height 7"));
    }

    [Test]
    public void RefusalFor_UnknownNode_IsRefusedByAVoter_AndAdmittedByAJoiner()
    {
        var records = new NodeRecords().Add("node-1", 0);
        var founders = new ConfState([Raft("node-1")], []);
        var voter = new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, founders);
        var joiner = new NodeDirectory("node-9", CryptoSuites.P256Sha256.GenerateKeyPair().KeyId, records.State, founders);

        Assert.That(voter.RefusalFor("node-5"), Does.Contain("not a node"));
        Assert.That(joiner.IsJoining, Is.True);
        Assert.That(joiner.RefusalFor("node-5"), Is.Null, "a joiner must hear from leaders added in blocks it has not applied yet");
    }

    [Test]
    public void Reload_GovernanceRecordsThisNodeWithAnotherKey_Throws()
    {
        var records = new NodeRecords().Add("node-1", 0);
        var directory = new NodeDirectory("node-4", CryptoSuites.P256Sha256.GenerateKeyPair().KeyId, records.State, new ConfState([Raft("node-1")], []));
        records.Add("node-4", 3);

        Assert.That(directory.Reload, Throws.InvalidOperationException.With.Message.Contains("node-4"));
    }

    [Test]
    public void Reload_RaisesChanged_AndSeesTheNewNode()
    {
        var records = new NodeRecords().Add("node-1", 0);
        var directory = new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, new ConfState([Raft("node-1")], []));
        var changes = 0;
        directory.Changed += () => changes++;
        records.Add("node-4", 3);

        directory.Reload();

        Assert.That(changes, Is.EqualTo(1));
        Assert.That(directory.Nodes.Find(Raft("node-4"))?.NodeId, Is.EqualTo("node-4"));
    }

    [Test]
    public void OnRaftMembershipApplied_AnOlderReport_DoesNotReplaceANewerMembership()
    {
        var records = new NodeRecords().Add("node-1", 0).Add("node-4", 3);
        var directory = new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, new ConfState([Raft("node-1")], []), 5);
        directory.OnRaftMembershipApplied(20, new ConfState([Raft("node-1"), Raft("node-4")], []));

        directory.OnRaftMembershipApplied(19, new ConfState([Raft("node-1")], [Raft("node-4")]));

        Assert.That(directory.RaftMembership.Voters, Is.EqualTo(new[] { Raft("node-1"), Raft("node-4") }.Order()));
    }

    [Test]
    public void ReloadIfStale_SeesNodesChangedWithoutTheApplyHook_OnlyWhenGovernanceChanged()
    {
        var records = new NodeRecords().Add("node-1", 0).WithGovernance(["node-1"]);
        var directory = new NodeDirectory("node-1", records.Keys["node-1"].KeyId, records.State, new ConfState([Raft("node-1")], []));
        records.Add("node-4", 3);
        directory.ReloadIfStale();
        Assert.That(directory.Nodes.Find("node-4"), Is.Null, "the governance record did not change, so no reload");

        records.WithGovernance(["node-1", "node-4"]);
        directory.ReloadIfStale();

        Assert.That(directory.Nodes.Find("node-4"), Is.Not.Null);
    }
}
