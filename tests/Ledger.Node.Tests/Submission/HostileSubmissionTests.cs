using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Node.Tests.Governance;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests.Submission;

/// <summary>
/// Bodies a member can sign but the rules would refuse are refused at the door with InvalidArgument
/// naming the field and the bound, and none of them stops the node (issue 14: a 5,000-byte member id
/// was committed, its echoing rejection reason was too long for the log leaf, and every node halted,
/// then halted again at every restart).
/// </summary>
[NonParallelizable]
public sealed class HostileSubmissionTests
{
    private TestCluster cluster = null!;
    private GovernanceTransactionFactory transactions = null!;

    private InProcessNode Node => cluster.Nodes[0];

    private TestConsortium Consortium => cluster.Consortium;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        cluster = await TestCluster.StartAsync(1);
        transactions = new GovernanceTransactionFactory(Consortium.ChainId);
    }

    [OneTimeTearDown]
    public async Task StopNode() => await cluster.DisposeAsync();

    [Test]
    public async Task Submit_RegisterWorkForAHolderIdOf5000Bytes_IsRefusedNamingTheFieldAndTheNodeKeepsCommitting()
    {
        var hostile = transactions.RegisterOwnWork(Consortium.Platform, new string('a', 5000));

        var refusal = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = hostile }));
        var after = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork() });

        Assert.Multiple(() =>
        {
            Assert.That(refusal!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(refusal.Status.Detail, Does.Contain("rights_holder.member_id of 5000 bytes exceeds 64"));
            Assert.That(after.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), after.Receipt.Result.Reason);
        });
    }

    public static IEnumerable<TestCaseData> BadGovernanceKeys()
    {
        var p256 = CryptoSuites.P256Sha256.GenerateKeyPair().Public.ToArray();
        var offCurve = (byte[])p256.Clone();
        offCurve[^1] ^= 1;
        var ed25519 = CryptoSuites.Ed25519.GenerateKeyPair().Public.ToArray();
        yield return Case("ed25519", ed25519, "suite", "Ed25519 key on the P-256 chain (the issue's example)");
        yield return Case("p256-sha256", offCurve, "public_key", "point off the curve");
        yield return Case("p256-sha256", [0x04, .. new byte[64]], "public_key", "(0, 0)");
        yield return Case("p256-sha256", p256[..64], "public_key", "one byte short");
    }

    [TestCaseSource(nameof(BadGovernanceKeys))]
    public void Submit_AddMemberWithABadKey_IsRefusedAtTheDoorNamingTheField(string suite, byte[] key, string field)
    {
        var propose = transactions.Propose(Consortium.Admin, new ProposeChange { AddMember = new AddMember { MemberId = "newcomer", Role = MemberRole.Platform, Keys = { Key(suite, key) } } });

        var refusal = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = propose }));

        Assert.That(refusal!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refusal.Status.Detail, Does.Contain($"add_member.keys[0].{field}"));
    }

    [TestCaseSource(nameof(BadGovernanceKeys))]
    public void Submit_AddNodeWithABadKey_IsRefusedAtTheDoorNamingTheField(string suite, byte[] key, string field)
    {
        var propose = transactions.Propose(Consortium.Admin, new ProposeChange { AddNode = new AddNode { NodeId = "node-9", Address = "https://127.0.0.1:9", Key = Key(suite, key) } });

        var refusal = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = propose }));

        Assert.That(refusal!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refusal.Status.Detail, Does.Contain($"add_node.key.{field}"));
    }

    [TestCaseSource(nameof(BadGovernanceKeys))]
    public void Submit_RotateKeyWithABadNewKey_IsRefusedAtTheDoorNamingTheField(string suite, byte[] key, string field)
    {
        var propose = transactions.Propose(Consortium.Admin, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = "platform-1", NewKey = Key(suite, key) } });

        var refusal = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = propose }));

        Assert.That(refusal!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refusal.Status.Detail, Does.Contain($"rotate_key.new_key.{field}"));
    }

    [Test]
    public async Task Submit_RotatingTheWitnessToANewEd25519KeyOnTheP256Chain_PassesTheDoor()
    {
        var newKey = CryptoSuites.Ed25519.GenerateKeyPair().Public.ToArray();
        var toEd25519 = transactions.Propose(Consortium.Admin, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = TestConsortium.WitnessId, NewKey = Key("ed25519", newKey) } });
        var toP256 = transactions.Propose(Consortium.Admin, new ProposeChange { RotateKey = new RotateMemberKey { MemberId = TestConsortium.WitnessId, NewKey = Key("p256-sha256", CryptoSuites.P256Sha256.GenerateKeyPair().Public.ToArray()) } });

        var accepted = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = toEd25519 });
        var refusal = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = toP256 }));

        Assert.Multiple(() =>
        {
            Assert.That(accepted.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), accepted.Receipt.Result.Reason);
            Assert.That(refusal!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(refusal.Status.Detail, Does.Contain("rotate_key.new_key.suite").And.Contain("Witness member"));
        });
    }

    private static TestCaseData Case(string suite, byte[] key, string field, string what) =>
        new TestCaseData(suite, key, field).SetArgDisplayNames(what);

    private static MemberPublicKey Key(string suite, byte[] key) => new() { Suite = suite, PublicKey = ByteString.CopyFrom(key) };
}
