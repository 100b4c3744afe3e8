using Google.Protobuf;
using Ledger.Client.Tests.Support;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Verification;

public sealed class LedgerClientVerificationTests
{
    private static readonly TestChain Chain = new();

    private static Receipt WorkReceipt()
    {
        var bundle = Chain.WorkBundle();
        return new Receipt
        {
            TxHash = ByteString.CopyFrom(bundle.TransactionHash),
            BlockHeight = bundle.BlockHeight,
            Position = bundle.Position,
            Result = bundle.Result,
            Header = bundle.CertifiedHeader.Header,
            LogInclusion = bundle.LogInclusion,
        };
    }

    private static FakeGrpcHandler Node(Receipt receipt, CertifiedHeader certified) => new(uri => uri.AbsolutePath switch
    {
        "/ledger.v1.LedgerApi/GetTransaction" => (0, new GetTransactionResponse { Transaction = Chain.Work, Result = receipt.Result, BlockHeight = receipt.BlockHeight, Position = receipt.Position, Receipt = receipt }, null),
        "/ledger.v1.LedgerApi/GetCertifiedHeader" => (0, certified, null),
        "/ledger.v1.LedgerApi/GetBlocks" => (0, Chain.Blocks[0], null),
        _ => (12, null, null),
    });

    private static LedgerClient Client(FakeGrpcHandler handler) => new(new LedgerClientOptions
    {
        Endpoints = [new Uri("http://127.0.0.1:7050")],
        Genesis = Chain.Genesis,
        HttpHandler = handler,
    });

    [Test]
    public async Task GetReceiptAsync_HonestNode_VerifiesAndTrustsTheLogState()
    {
        using var handler = Node(WorkReceipt(), Chain.Block2);
        await using var client = Client(handler);

        var receipt = await client.GetReceiptAsync(Chain.WorkBundle().TransactionHash);

        Assert.That(receipt.BlockHeight, Is.EqualTo(2UL));
        Assert.That(receipt.Status, Is.EqualTo(Ledger.Client.Verification.ReceiptStatus.Verified));
        Assert.That(client.TrustedState!.LogSize, Is.EqualTo(Chain.Block2.Header.LogSize));
    }

    [Test]
    public async Task GetReceiptAsync_ForgedResult_ThrowsClientVerification()
    {
        var forged = WorkReceipt();
        forged.Result = new TransactionResult { Code = ResultCode.Rejected, Reason = "forged" };
        using var handler = Node(forged, Chain.Block2);
        await using var client = Client(handler);

        Assert.That(async () => await client.GetReceiptAsync(Chain.WorkBundle().TransactionHash), Throws.TypeOf<ClientVerificationException>());
    }

    [Test]
    public async Task GetCertifiedHeaderAsync_MinorityOfAttestations_ThrowsClientVerification()
    {
        var weak = Chain.Block2.Clone();
        weak.Attestations.RemoveAt(2);
        weak.Attestations.RemoveAt(1);
        using var handler = Node(WorkReceipt(), weak);
        await using var client = Client(handler);

        Assert.That(async () => await client.GetCertifiedHeaderAsync(2), Throws.TypeOf<ClientVerificationException>().With.Message.Contains("quorum"));
    }
}
