using Ledger.Client.Tests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Crypto;
using Ledger.Core.Receipts;

namespace Ledger.Client.Tests.Receipts;

public sealed class CoseReceiptTests
{
    private static readonly TestChain Chain = new();

    private static (byte[] Receipt, byte[] LeafHash, byte[] Root) Export()
    {
        var bundle = Chain.WorkBundle();
        var leafHash = LogLeaf.MerkleLeafHash(bundle.TransactionHash, bundle.Result, Chain.Suite.Hash);
        var root = bundle.CertifiedHeader.Header.LogRoot.ToByteArray();
        var receipt = CoseReceipts.Create(Chain.NodeKeys[0], bundle.LogInclusion.LeafIndex, bundle.LogInclusion.TreeSize, [.. bundle.LogInclusion.Path.Select(p => p.ToByteArray())], root);
        return (receipt, leafHash, root);
    }

    [Test]
    public void Verify_ExportedReceipt_ReturnsTheCertifiedLogRoot()
    {
        var (receipt, leafHash, root) = Export();

        var proven = CoseReceipts.Verify(receipt, Chain.NodeKeys[0].Public, leafHash);

        Assert.That(proven, Is.EqualTo(root));
        Assert.That(CoseReceipts.Read(receipt).TreeSize, Is.EqualTo(Chain.Block2.Header.LogSize));
    }

    [Test]
    public void Verify_OtherLeaf_Fails()
    {
        var (receipt, leafHash, _) = Export();
        leafHash[0] ^= 1;

        Assert.That(() => CoseReceipts.Verify(receipt, Chain.NodeKeys[0].Public, leafHash), Throws.TypeOf<CoseReceiptException>());
    }

    [Test]
    public void Verify_OtherNodeKey_Fails()
    {
        var (receipt, leafHash, _) = Export();

        Assert.That(() => CoseReceipts.Verify(receipt, Chain.NodeKeys[1].Public, leafHash), Throws.TypeOf<CoseReceiptException>());
    }

    [Test]
    public void Verify_AnyByteOfReceiptChanged_FailsOrDoesNotDecode()
    {
        var (receipt, leafHash, _) = Export();
        var accepted = new List<int>();
        for (var i = 0; i < receipt.Length; i++)
        {
            var mutated = (byte[])receipt.Clone();
            mutated[i] ^= 0x01;
            try
            {
                CoseReceipts.Verify(mutated, Chain.NodeKeys[0].Public, leafHash);
                accepted.Add(i);
            }
            catch (CoseReceiptException)
            {
            }
        }

        Assert.That(accepted, Is.Empty);
    }

    [Test]
    public void Create_Ed25519Key_IsRefusedWithReason()
    {
        var key = CryptoSuites.Ed25519.GenerateKeyPair();

        Assert.That(() => CoseReceipts.Create(key, 0, 1, [], new byte[32]), Throws.TypeOf<CoseReceiptException>().With.Message.Contains("ed25519"));
    }
}
