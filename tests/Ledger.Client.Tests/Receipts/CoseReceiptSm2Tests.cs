using System.Security.Cryptography.Cose;
using Ledger.Client.Tests.Support;
using Ledger.Core.Blocks;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Receipts;
using EvidenceBundle = Ledger.Core.Evidence.EvidenceBundle;

namespace Ledger.Client.Tests.Receipts;

/// <summary>
/// An sm2-sm3 consortium issues COSE receipts too: SM2 has no IANA COSE algorithm, so the receipt
/// says alg -65538 and vds -65539 (private use, docs/cose-receipts.md); the quorum and proof rules
/// are the P-256 ones, with SM3 trees. Receipts of one suite never verify against the other's.
/// </summary>
public sealed class CoseReceiptSm2Tests
{
    private static readonly TestChain Sm2Chain = new(CryptoSuites.Sm2Sm3);
    private static readonly TestChain P256Chain = new();

    [Test]
    public void Create_Sm2Consortium_ReceiptVerifiesAndSaysThePrivateUseAlgorithmAndVds()
    {
        var (receipt, leafHash, bundle) = Issue(Sm2Chain);

        var verified = CoseReceipts.Verify(receipt, new ConsortiumState(Sm2Chain.Genesis), leafHash);
        var message = CoseMessage.DecodeSign1(receipt);

        Assert.That(verified.LeafIndex, Is.EqualTo(bundle.LogInclusion.LeafIndex));
        Assert.That(verified.LogRoot, Is.EqualTo(Sm2Chain.Block2.Header.LogRoot.ToByteArray()));
        Assert.That(message.ProtectedHeaders[CoseHeaderLabel.Algorithm].GetValueAsInt32(), Is.EqualTo(-65538));
        Assert.That(message.ProtectedHeaders[new CoseHeaderLabel(CoseReceipts.VerifiableDataStructureLabel)].GetValueAsInt32(), Is.EqualTo(-65539));
        Assert.That(message.Signature.Length, Is.EqualTo(64));
    }

    [Test]
    public void Verify_AnyByteOfSm2ReceiptChanged_IsRefused()
    {
        var (receipt, leafHash, _) = Issue(Sm2Chain);
        var nodeSet = new ConsortiumState(Sm2Chain.Genesis);
        var accepted = new List<int>();
        for (var i = 0; i < receipt.Length; i++)
        {
            var mutated = (byte[])receipt.Clone();
            mutated[i] ^= 0x01;
            try
            {
                CoseReceipts.Verify(mutated, nodeSet, leafHash);
                accepted.Add(i);
            }
            catch (CoseReceiptException)
            {
            }
        }

        Assert.That(accepted, Is.Empty);
    }

    [Test]
    public void Verify_Sm2ReceiptAgainstAP256NodeSet_IsRefused()
    {
        var (receipt, leafHash, _) = Issue(Sm2Chain);

        Assert.That(() => CoseReceipts.Verify(receipt, new ConsortiumState(P256Chain.Genesis), leafHash), Throws.TypeOf<CoseReceiptException>());
    }

    [Test]
    public void Verify_Es256ReceiptAgainstAnSm2NodeSet_IsRefusedOnItsAlgorithm()
    {
        var (receipt, leafHash, _) = Issue(P256Chain);

        Assert.That(
            () => CoseReceipts.Verify(receipt, new ConsortiumState(Sm2Chain.Genesis), leafHash),
            Throws.TypeOf<CoseReceiptException>().With.Message.Contains("alg -7"));
    }

    private static (byte[] Receipt, byte[] LeafHash, EvidenceBundle Bundle) Issue(TestChain chain)
    {
        var bundle = chain.WorkBundle();
        var leafHash = LogLeaf.MerkleLeafHash(bundle.TransactionHash, bundle.Result, chain.Suite.Hash);
        var path = bundle.LogInclusion.Path.Select(p => p.ToByteArray()).ToList();
        var receipt = CoseReceipts.Create(chain.NodeKeys[0], chain.Block2, bundle.LogInclusion.LeafIndex, path, [], chain.Genesis, [], leafHash);
        return (receipt, leafHash, bundle);
    }
}
