using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Node.Web;

namespace Ledger.Node.Tests.Web;

public sealed class HexRequestFieldsTests
{
    [Test]
    public void Apply_LowerCaseHex_MovesTheBytesIntoTheSiblingAndClearsTheHex()
    {
        var request = new GetTransactionRequest { TxHashHex = "00ff10" };

        HexRequestFields.Apply(request);

        Assert.That(request.TxHash, Is.EqualTo(ByteString.CopyFrom(0x00, 0xFF, 0x10)));
        Assert.That(request.TxHashHex, Is.Empty);
    }

    [Test]
    public void Apply_UpperCaseHex_IsAcceptedToo()
    {
        var request = new GetRecordRequest { IdHex = "ABCDEF" };

        HexRequestFields.Apply(request);

        Assert.That(request.Id, Is.EqualTo(ByteString.CopyFrom(0xAB, 0xCD, 0xEF)));
    }

    [Test]
    public void Apply_NumberHex_SetsTheFixed64BigEndian()
    {
        var request = new FindSimilarWorksRequest { PerceptualHashHex = "f0e1d2c3b4a59687", MaxDistance = 2 };

        HexRequestFields.Apply(request);

        Assert.That(request.PerceptualHash, Is.EqualTo(0xF0E1D2C3B4A59687UL));
    }

    [Test]
    public void Apply_BothSpellingsSet_IsInvalidArgumentNamingBoth()
    {
        var request = new GetWorkRequest { WorkId = ByteString.CopyFrom(1), WorkIdHex = "01" };

        var refused = Assert.Throws<RpcException>(() => HexRequestFields.Apply(request));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refused.Status.Detail, Is.EqualTo("set work_id or work_id_hex, not both"));
    }

    [TestCase("abc", TestName = "Apply_OddDigitCount_IsInvalidArgument")]
    [TestCase("zz", TestName = "Apply_NotHexDigits_IsInvalidArgument")]
    [TestCase("0x00", TestName = "Apply_HexPrefix_IsInvalidArgument")]
    public void Apply_MalformedBytesHex_IsInvalidArgumentNamingTheField(string hex)
    {
        var refused = Assert.Throws<RpcException>(() => HexRequestFields.Apply(new GetKeyRequest { KeyIdHex = hex }));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refused.Status.Detail, Does.StartWith("key_id_hex must be"));
    }

    [Test]
    public void Apply_HexLongerThanTheBound_IsRefusedBeforeDecoding()
    {
        var atBound = new GetKeyRequest { KeyIdHex = new string('a', HexRequestFields.HexCharactersMax) };
        var overBound = new GetKeyRequest { KeyIdHex = new string('a', HexRequestFields.HexCharactersMax + 2) };

        HexRequestFields.Apply(atBound);
        var refused = Assert.Throws<RpcException>(() => HexRequestFields.Apply(overBound));

        Assert.That(atBound.KeyId.Length, Is.EqualTo(HexRequestFields.HexCharactersMax / 2));
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public void Apply_NumberOfSeventeenDigits_IsInvalidArgument()
    {
        var refused = Assert.Throws<RpcException>(() => HexRequestFields.Apply(new FindSimilarWorksRequest { PerceptualHashHex = "1" + new string('0', 16) }));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public void FindPairs_EveryHexFieldOfThePublicRequests_HasItsSibling()
    {
        var hexFields = new (Google.Protobuf.Reflection.MessageDescriptor Message, string[] Values)[]
        {
            (GetTransactionRequest.Descriptor, ["tx_hash"]),
            (GetInclusionProofRequest.Descriptor, ["tx_hash"]),
            (GetWorkRequest.Descriptor, ["work_id"]),
            (FindByContentHashRequest.Descriptor, ["sha256", "sm3"]),
            (GetWorkHistoryRequest.Descriptor, ["work_id"]),
            (GetRecordRequest.Descriptor, ["id"]),
            (ListClaimsByWorkRequest.Descriptor, ["work_id"]),
            (GetKeyRequest.Descriptor, ["key_id"]),
            (FindSimilarWorksRequest.Descriptor, ["perceptual_hash"]),
            (SubmitRequest.Descriptor, []),
        };

        Assert.Multiple(() =>
        {
            foreach (var (message, values) in hexFields)
            {
                Assert.That(HexRequestFields.FindPairs(message).Select(p => p.Value.Name), Is.EqualTo(values), message.Name);
            }
        });
    }
}
