namespace Ledger.Consensus.Tests.Configuration;

/// <summary>Limits and their relationships are validated once, up front.</summary>
public sealed class RaftConfigTests
{
    private static RaftConfig Valid() => new() { Id = 1, Random = new SeededRandomSource(1) };

    [Test]
    public void Validate_Defaults_Pass()
    {
        Assert.That(() => Valid().Validate(), Throws.Nothing);
    }

    [Test]
    public void Defaults_EnablePreVoteAndCheckQuorum_AndSafeReads()
    {
        var config = Valid();

        Assert.That(config.PreVote, Is.True);
        Assert.That(config.CheckQuorum, Is.True);
        Assert.That(config.ReadOnlyOption, Is.EqualTo(ReadOnlyOption.Safe));
        Assert.That(config.DisableProposalForwarding, Is.False);
    }

    [TestCase(10, 10)]
    [TestCase(5, 10)]
    public void Validate_ElectionTicksNotGreaterThanHeartbeatTicks_Throws(int election, int heartbeat)
    {
        var config = Valid() with { ElectionTicks = election, HeartbeatTicks = heartbeat };

        var error = Assert.Throws<RaftConfigException>(config.Validate);

        Assert.That(error!.Message, Does.Contain("ElectionTicks").And.Contain("HeartbeatTicks"));
    }

    [Test]
    public void Validate_IdZero_Throws()
    {
        Assert.Throws<RaftConfigException>((Valid() with { Id = 0 }).Validate);
    }

    [Test]
    public void Validate_MissingRandomSource_Throws()
    {
        var error = Assert.Throws<RaftConfigException>((Valid() with { Random = null }).Validate);

        Assert.That(error!.Message, Does.Contain("Random"));
    }

    [Test]
    public void Validate_LeaseBasedReadsWithoutCheckQuorum_Throws()
    {
        var config = Valid() with { ReadOnlyOption = ReadOnlyOption.LeaseBased, CheckQuorum = false };

        Assert.Throws<RaftConfigException>(config.Validate);
    }

    [Test]
    public void Validate_UncommittedLimitBelowOneAppend_Throws()
    {
        var config = Valid() with { MaxBytesPerAppend = 1024, MaxUncommittedEntriesBytes = 512 };

        Assert.Throws<RaftConfigException>(config.Validate);
    }

    [Test]
    public void Validate_UncommittedLimitZero_MeansUnlimited()
    {
        Assert.That(() => (Valid() with { MaxUncommittedEntriesBytes = 0 }).Validate(), Throws.Nothing);
    }

    private static IEnumerable<TestCaseData> NonPositiveBounds()
    {
        yield return new TestCaseData(Valid() with { HeartbeatTicks = 0 }).SetName("HeartbeatTicks = 0");
        yield return new TestCaseData(Valid() with { MaxEntriesPerAppend = 0 }).SetName("MaxEntriesPerAppend = 0");
        yield return new TestCaseData(Valid() with { MaxBytesPerAppend = 0 }).SetName("MaxBytesPerAppend = 0");
        yield return new TestCaseData(Valid() with { MaxInflightMessages = 0 }).SetName("MaxInflightMessages = 0");
        yield return new TestCaseData(Valid() with { MaxUncommittedEntriesBytes = -1 }).SetName("MaxUncommittedEntriesBytes < 0");
        yield return new TestCaseData(Valid() with { MaxCommittedBytesPerReady = 0 }).SetName("MaxCommittedBytesPerReady = 0");
        yield return new TestCaseData(Valid() with { MaxPendingReadIndexRequests = 0 }).SetName("MaxPendingReadIndexRequests = 0");
        yield return new TestCaseData(Valid() with { ElectionTicks = 2_000_000 }).SetName("ElectionTicks implausibly large");
    }

    [TestCaseSource(nameof(NonPositiveBounds))]
    public void Validate_OutOfRangeBound_Throws(RaftConfig config)
    {
        Assert.Throws<RaftConfigException>(config.Validate);
    }

    [Test]
    public void RaftNode_WithInvalidConfig_RefusesToStart()
    {
        Assert.Throws<RaftConfigException>(() => new RaftNode(Valid() with { ElectionTicks = 1 }, MemoryRaftLogStorage.WithVoters(1)));
    }
}
