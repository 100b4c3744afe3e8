using Ledger.Core.Consortium;

namespace Ledger.Core.Tests.Consortium;

/// <summary>The clock bound lives in genesis; files written before it existed keep their meaning through a fixed default.</summary>
public sealed class GenesisBlockTimeSkewTests
{
    private const string WithoutBound = """
        {
          "formatVersion": 1,
          "chainId": "ip-ledger-test",
          "suite": "p256-sha256",
          "proposalExpiryBlocks": 100,
          "members": [ { "id": "admin-1", "role": "admin", "keys": [ { "suite": "p256-sha256", "publicKey": "AQID" } ] } ],
          "nodes": [ { "id": "node-1", "address": "https://10.0.0.1:7400", "key": { "suite": "p256-sha256", "publicKey": "BwgJ" } } ]
        }
        """;

    [Test]
    public void Parse_WithoutTheField_BoundIsTheDocumentedTwoSeconds()
    {
        var genesis = ConsortiumGenesis.Parse(WithoutBound);

        Assert.That(genesis.BlockTimeSkewMilliseconds, Is.Null);
        Assert.That(genesis.EffectiveBlockTimeSkewMilliseconds, Is.EqualTo(2_000));
        Assert.That(genesis.ToJson(), Does.Not.Contain("blockTimeSkewMilliseconds"), "an absent bound stays absent, so the file's hash is unchanged");
    }

    [Test]
    public void Parse_WithTheField_BoundIsTheOneWritten()
    {
        var genesis = ConsortiumGenesis.Parse(WithBound("750"));

        Assert.That(genesis.EffectiveBlockTimeSkewMilliseconds, Is.EqualTo(750));
        Assert.That(ConsortiumGenesis.Parse(genesis.ToJson()).BlockTimeSkewMilliseconds, Is.EqualTo(750));
    }

    [TestCase("99")]
    [TestCase("600001")]
    [TestCase("0")]
    public void Parse_BoundOutsideItsRange_RefusedNamingTheField(string value)
    {
        var refused = Assert.Throws<GenesisFormatException>(() => ConsortiumGenesis.Parse(WithBound(value)));

        Assert.That(refused!.Message, Does.Contain("blockTimeSkewMilliseconds").And.Contain("[100, 600000]"));
    }

    [Test]
    public void Parse_NegativeBound_Refused()
    {
        Assert.Throws<GenesisFormatException>(() => ConsortiumGenesis.Parse(WithBound("-1")));
    }

    private static string WithBound(string value) =>
        WithoutBound.Replace("\"proposalExpiryBlocks\": 100,", $"\"proposalExpiryBlocks\": 100, \"blockTimeSkewMilliseconds\": {value},", StringComparison.Ordinal);
}
