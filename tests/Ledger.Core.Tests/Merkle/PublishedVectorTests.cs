using Ledger.Core.Merkle;
using static Ledger.Core.Tests.Merkle.ProofAssertions;

namespace Ledger.Core.Tests.Merkle;

/// <summary>
/// The RFC 6962 known answers published with Google's Certificate Transparency / Trillian code
/// (transparency-dev/merkle testonly/constants.go, proof/verify_test.go): eight leaf inputs, the
/// roots of sizes 0..8, and their inclusion and consistency proofs.
/// </summary>
public sealed class PublishedVectorTests
{
    private static readonly byte[][] LeafInputs =
    [
        [],
        Hex("00"),
        Hex("10"),
        Hex("2021"),
        Hex("3031"),
        Hex("40414243"),
        Hex("5051525354555657"),
        Hex("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly string[] LeafHashesHex =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ];

    // Index = tree size.
    private static readonly string[] RootsHex =
    [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static readonly (ulong Index, ulong Size, string[] Proof)[] InclusionVectors =
    [
        (0, 1, []),
        (0, 2, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"]),
        (1, 2, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
        (0, 8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (5, 8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
    ];

    private static readonly (ulong Size1, ulong Size2, string[] Proof)[] ConsistencyVectors =
    [
        (1, 1, []),
        (1, 8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ]),
        (2, 5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ]),
        (6, 8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
        (6, 7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ]),
    ];

    [Test]
    public void HashLeaf_PublishedLeafInputs_GivePublishedLeafHashes()
    {
        for (var i = 0; i < LeafInputs.Length; i++)
        {
            Assert.That(Convert.ToHexStringLower(Sha256.HashLeaf(LeafInputs[i])), Is.EqualTo(LeafHashesHex[i]), $"leaf {i}");
        }
    }

    [Test]
    public void ComputeRoot_EverySizeFromZeroToEight_GivesPublishedRoot()
    {
        var tree = new MemoryMerkleTree(Sha256, leafCountMax: 8);
        var compact = new CompactMerkleTree(Sha256);
        Assert.That(Convert.ToHexStringLower(compact.ComputeRoot()), Is.EqualTo(RootsHex[0]), "empty tree");
        for (var size = 1; size <= LeafInputs.Length; size++)
        {
            tree.AppendLeaf(LeafInputs[size - 1]);
            compact.AppendLeaf(LeafInputs[size - 1]);
            Assert.That(Convert.ToHexStringLower(compact.ComputeRoot()), Is.EqualTo(RootsHex[size]), $"compact tree of size {size}");
        }

        for (var size = 0; size <= LeafInputs.Length; size++)
        {
            Assert.That(Convert.ToHexStringLower(tree.ComputeRoot((ulong)size)), Is.EqualTo(RootsHex[size]), $"memory tree at size {size}");
        }
    }

    [Test]
    public void BuildInclusionProof_PublishedCases_MatchPublishedProofs()
    {
        var tree = FullTree();
        foreach (var (index, size, proof) in InclusionVectors)
        {
            var built = tree.BuildInclusionProof(index, size).Select(Convert.ToHexStringLower).ToArray();
            Assert.That(built, Is.EqualTo(proof), $"inclusion of {index} in {size}");
        }
    }

    [Test]
    public void BuildConsistencyProof_PublishedCases_MatchPublishedProofs()
    {
        var tree = FullTree();
        foreach (var (size1, size2, proof) in ConsistencyVectors)
        {
            var built = tree.BuildConsistencyProof(size1, size2).Select(Convert.ToHexStringLower).ToArray();
            Assert.That(built, Is.EqualTo(proof), $"consistency {size1} -> {size2}");
        }
    }

    [Test]
    public void VerifyInclusion_PublishedProofs_VerifyAndEveryMutationFails()
    {
        foreach (var (index, size, proof) in InclusionVectors)
        {
            ValidAndTamperEvident(new InclusionClaim(
                $"inclusion of {index} in {size}", index, size, Hex(LeafHashesHex[index]), [.. proof.Select(Hex)], Hex(RootsHex[size])));
        }
    }

    [Test]
    public void VerifyConsistency_PublishedProofs_VerifyAndEveryMutationFails()
    {
        foreach (var (size1, size2, proof) in ConsistencyVectors)
        {
            ValidAndTamperEvident(new ConsistencyClaim(
                $"consistency {size1} -> {size2}", size1, size2, [.. proof.Select(Hex)], Hex(RootsHex[size1]), Hex(RootsHex[size2])));
        }
    }

    private static MemoryMerkleTree FullTree()
    {
        var tree = new MemoryMerkleTree(Sha256, leafCountMax: 8);
        foreach (var leaf in LeafInputs)
        {
            tree.AppendLeaf(leaf);
        }

        return tree;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);
}
