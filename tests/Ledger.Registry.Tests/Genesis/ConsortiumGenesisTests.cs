using Ledger.Core.Consortium;
using Ledger.Registry.Genesis;
using Ledger.Registry.Tests.Support;

namespace Ledger.Registry.Tests.Genesis;

public sealed class ConsortiumGenesisTests
{
    private const string Valid = """
        {
          "formatVersion": 1,
          "chainId": "ip-ledger-test",
          "suite": "p256-sha256",
          "proposalExpiryBlocks": 100,
          "members": [
            { "id": "admin-1", "name": "Consortium Office", "role": "admin", "keys": [ { "suite": "p256-sha256", "publicKey": "AQID" } ] },
            { "id": "court-hz", "name": "Hangzhou Internet Court", "role": "court", "keys": [ { "suite": "p256-sha256", "publicKey": "BAUG" } ] }
          ],
          "nodes": [
            { "id": "node-1", "address": "https://10.0.0.1:7400", "key": { "suite": "p256-sha256", "publicKey": "BwgJ" } }
          ]
        }
        """;

    [Test]
    public void Parse_ValidDocument_ReadsEveryField()
    {
        var genesis = ConsortiumGenesis.Parse(Valid);

        Assert.That(genesis.ChainId, Is.EqualTo("ip-ledger-test"));
        Assert.That(genesis.ApprovalThreshold, Is.Null);
        Assert.That(genesis.Members[1].Role, Is.EqualTo("court"));
        Assert.That(genesis.Members[0].Keys[0].PublicKey, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(genesis.Nodes.Single().Address, Is.EqualTo("https://10.0.0.1:7400"));
    }

    [Test]
    public void ToJson_ThenParse_RoundTrips()
    {
        var genesis = TestChain.DefaultGenesis(threshold: 2);

        var reparsed = ConsortiumGenesis.Parse(genesis.ToJson());

        Assert.That(reparsed.ToJson(), Is.EqualTo(genesis.ToJson()));
    }

    [TestCase("\"chainId\": \"ip-ledger-test\",", "\"chainId\": \"ip-ledger-test\", \"colour\": \"blue\",", "colour")]
    [TestCase("\"suite\": \"p256-sha256\",", "", "suite")]
    [TestCase("\"role\": \"court\"", "\"role\": \"judge\"", "members[1].role")]
    [TestCase("\"id\": \"court-hz\"", "\"id\": \"admin-1\"", "duplicate member id")]
    [TestCase("\"id\": \"court-hz\"", "\"id\": \"court hz\"", "members[1].id")]
    [TestCase("\"suite\": \"p256-sha256\",\n", "\"suite\": \"rsa\",\n", "unknown suite")]
    [TestCase("\"proposalExpiryBlocks\": 100", "\"proposalExpiryBlocks\": 0", "proposalExpiryBlocks")]
    [TestCase("\"publicKey\": \"BAUG\"", "\"publicKey\": \"not base64!\"", "publicKey")]
    [TestCase("\"publicKey\": \"BAUG\"", "\"publicKey\": \"AQID\"", "same public key")]
    [TestCase("\"role\": \"admin\"", "\"role\": \"platform\"", "at least one member must have role 'admin'")]
    [TestCase("\"proposalExpiryBlocks\": 100,", "\"proposalExpiryBlocks\": 100, \"approvalThreshold\": 2,", "approvalThreshold")]
    [TestCase("\"formatVersion\": 1", "\"formatVersion\": 2", "formatVersion")]
    public void Parse_InvalidDocument_ThrowsNamingTheProblem(string find, string replace, string expectedInMessage)
    {
        var json = Valid.Replace(find, replace, StringComparison.Ordinal);
        Assert.That(json, Is.Not.EqualTo(Valid), "the mutation must apply");

        var exception = Assert.Throws<GenesisFormatException>(() => ConsortiumGenesis.Parse(json));

        Assert.That(exception!.Message, Does.Contain(expectedInMessage));
    }

    [Test]
    public void Parse_NullDocument_Throws()
    {
        Assert.That(() => ConsortiumGenesis.Parse("null"), Throws.TypeOf<GenesisFormatException>());
    }

    [Test]
    public void Initialize_TwiceOnTheSameState_Throws()
    {
        var chain = new TestChain();

        Assert.That(
            () => RegistryGenesis.Initialize(chain.State, chain.Genesis, chain.Options),
            Throws.TypeOf<Applying.RegistryInvariantException>());
    }

    [Test]
    public void Initialize_RecordsMembersKeysNodesAndGovernanceAtHeightZero()
    {
        var chain = new TestChain();

        Assert.That(chain.Queries.AppliedHeight, Is.EqualTo(0UL));
        Assert.That(chain.Queries.GetMembersAt(0), Has.Count.EqualTo(8));
        Assert.That(chain.Queries.Governance.AdminMemberIds, Is.EqualTo(new[] { TestChain.Admin1, TestChain.Admin2, TestChain.Admin3 }));
        Assert.That(chain.Queries.GetNodes().Select(n => n.NodeId), Is.EqualTo(new[] { "node-1", "node-2", "node-3" }));
        Assert.That(chain.Queries.GetKey(TestChain.KeyIdOf(TestChain.Court))!.MemberId, Is.EqualTo(TestChain.Court));
    }
}
