using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Blocks;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Configuration;
using Ledger.Node.Tests.Support;
using Ledger.Registry.Applying;

namespace Ledger.Node.Tests;

[NonParallelizable]
public sealed class SingleNodeTests
{
    private TestCluster cluster = null!;

    private InProcessNode Node => cluster.Nodes[0];

    private TestConsortium Consortium => cluster.Consortium;

    [OneTimeSetUp]
    public async Task StartNode() => cluster = await TestCluster.StartAsync(1);

    [OneTimeTearDown]
    public async Task StopNode() => await cluster.DisposeAsync();

    [Test]
    public async Task Submit_ValidRegistration_ReturnsAReceiptWhoseProofVerifiesWithCoreAlone()
    {
        var transaction = Consortium.RegisterWork();

        var response = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction, CorrelationId = 7 });

        var receipt = response.Receipt;
        var hash = Ledger.Core.Hashing.Sha256HashAlgorithm.Instance;
        var expectedTxHash = TransactionHashing.ComputeHash(hash, transaction);
        var leafHash = LogLeaf.MerkleLeafHash(expectedTxHash, receipt.Result, hash);
        var proof = receipt.LogInclusion.Path.Select(p => p.ToByteArray()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(response.CorrelationId, Is.EqualTo(7));
            Assert.That(receipt.TxHash.ToByteArray(), Is.EqualTo(expectedTxHash));
            Assert.That(receipt.Result.Code, Is.EqualTo(ResultCode.Ok), receipt.Result.Reason);
            Assert.That(receipt.Header.Height, Is.EqualTo(receipt.BlockHeight));
            Assert.That(
                MerkleProofVerifier.CheckInclusion(new MerkleHasher(hash), receipt.LogInclusion.LeafIndex, receipt.LogInclusion.TreeSize, leafHash, proof, receipt.Header.LogRoot.Span),
                Is.EqualTo(MerkleProofResult.Valid));
        });
    }

    [Test]
    public async Task SubmitStream_ManyInFlight_AnswersEachByCorrelationIdAndRefusesTheBadOneAlone()
    {
        const int count = 200;
        const ulong badCorrelation = 1_000;
        using var call = Node.Client.SubmitStream(deadline: DateTime.UtcNow.AddSeconds(60));
        var answers = new Dictionary<ulong, SubmitResponse>();
        var reading = Task.Run(async () =>
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync())
            {
                answers.Add(response.CorrelationId, response);
            }
        });

        for (var i = 0; i < count; i++)
        {
            await call.RequestStream.WriteAsync(new SubmitRequest { Transaction = Consortium.RegisterWork(), CorrelationId = (ulong)i });
        }

        var bad = Consortium.RegisterWork();
        bad.Signature = ByteString.CopyFrom(new byte[bad.Signature.Length]);
        await call.RequestStream.WriteAsync(new SubmitRequest { Transaction = bad, CorrelationId = badCorrelation });
        await call.RequestStream.CompleteAsync();
        await reading;

        Assert.Multiple(() =>
        {
            Assert.That(answers, Has.Count.EqualTo(count + 1));
            for (var i = 0UL; i < count; i++)
            {
                Assert.That(answers[i].Receipt?.Result.Code, Is.EqualTo(ResultCode.Ok), $"submission {i}: {answers[i].ErrorMessage}");
            }

            Assert.That(answers[badCorrelation].Receipt, Is.Null);
            Assert.That((StatusCode)answers[badCorrelation].ErrorCode, Is.EqualTo(StatusCode.InvalidArgument));
        });
    }

    [Test]
    public async Task Submit_BatchWithAWrongMerkleRoot_IsRefusedAtTheDoorAndNeverReachesTheLog()
    {
        var items = Enumerable.Range(0, 3).Select(i => new BatchItem
        {
            ContentSha256 = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ItemId = $"listing-{i}",
        }).ToArray();
        var rightRoot = Ledger.Registry.Batches.BatchMerkleRoot.Compute(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance, items, 1);
        var wrongRoot = (byte[])rightRoot.Clone();
        wrongRoot[0] ^= 0xFF;
        var heightBefore = Node.Node.Blocks.LatestHeight;

        var refused = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.BatchRegister(items, wrongRoot) }));
        var heightAfterRefusal = Node.Node.Blocks.LatestHeight;
        var accepted = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.BatchRegister(items, rightRoot) });

        Assert.Multiple(() =>
        {
            Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(refused.Status.Detail, Does.Contain("merkle_root"));
            Assert.That(heightAfterRefusal, Is.EqualTo(heightBefore), "nothing was appended for the refused batch");
            Assert.That(accepted.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), accepted.Receipt.Result.Reason);
        });
    }

    [TestCase("count")]
    [TestCase("inline")]
    [TestCase("missing")]
    [TestCase("swapped")]
    public void Submit_BatchWhoseDetachedItemsAreNotTheSignedOnes_IsRefusedAtTheDoor_InvalidArgument(string flaw)
    {
        var items = Items(3);
        var root = Ledger.Registry.Batches.BatchMerkleRoot.Compute(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance, items, 1);
        var transaction = flaw switch
        {
            "count" => Consortium.BatchRegister(items, root, itemCount: 2),
            "inline" => Consortium.BatchRegister(items, root, itemsInSignedBody: true),
            _ => Consortium.BatchRegister(items, root),
        };
        if (flaw == "missing")
        {
            transaction.DetachedItems = ByteString.Empty;
        }
        else if (flaw == "swapped")
        {
            transaction.DetachedItems = new BatchItems { Items = { Items(3) } }.ToByteString();
        }

        var refused = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refused.Status.Detail, Does.Contain(nameof(Ledger.Registry.Applying.RejectionReason.MalformedTransaction)));
    }

    [Test]
    public void Submit_RegisterWorkCarryingDetachedItems_IsRefusedAtTheDoor_InvalidArgument()
    {
        var transaction = Consortium.RegisterWork();
        transaction.DetachedItems = new BatchItems { Items = { Items(1) } }.ToByteString();

        var refused = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refused.Status.Detail, Does.Contain("only a BatchRegister has detached items"));
    }

    [Test]
    public async Task Submit_Batch_IsNamedByTheHashWithoutItsItems_AndServedWithThem_WithItsItemOutcomesRoot()
    {
        var items = Items(4);
        var transaction = Consortium.BatchRegister(items, Ledger.Registry.Batches.BatchMerkleRoot.Compute(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance, items, 1));
        var withoutItems = transaction.Clone();
        withoutItems.DetachedItems = ByteString.Empty;

        var answer = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });
        var served = await Node.Client.GetTransactionAsync(new GetTransactionRequest { TxHash = answer.Receipt.TxHash });

        Assert.Multiple(() =>
        {
            Assert.That(answer.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), answer.Receipt.Result.Reason);
            Assert.That(answer.Receipt.TxHash.ToByteArray(), Is.EqualTo(Ledger.Core.Signing.TransactionHashing.ComputeHash(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance, withoutItems)));
            Assert.That(served.Transaction, Is.EqualTo(transaction), "served with its detached items");
            Assert.That(served.Result.ItemOutcomesRoot.Length, Is.EqualTo(32));
            Assert.That(
                served.Result.ItemOutcomesRoot.ToByteArray(),
                Is.EqualTo(Ledger.Core.Evidence.BatchItemOutcomeTree.ComputeRoot([.. Enumerable.Range(0, 4).Select(i => Ledger.Core.Evidence.BatchItemOutcome.Accepted((uint)i))], Ledger.Core.Hashing.Sha256HashAlgorithm.Instance)));
        });
    }

    private static BatchItem[] Items(int count) => Enumerable.Range(0, count).Select(i => new BatchItem
    {
        ContentSha256 = ByteString.CopyFrom(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ItemId = $"listing-{i}",
    }).ToArray();

    [Test]
    public void Submit_BatchWithAnItemOutsideTheEncodingBounds_IsRefusedAtTheDoorNamingTheItem()
    {
        var items = new[]
        {
            new BatchItem { ContentSha256 = ByteString.CopyFrom(new byte[32]), ItemId = "fine" },
            new BatchItem { ContentSha256 = ByteString.CopyFrom(new byte[31]), ItemId = "short-hash" },
        };

        var refused = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.BatchRegister(items, new byte[32]) }));

        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(refused.Status.Detail, Does.StartWith("items[1]"));
    }

    [Test]
    public async Task Submit_SameContentTwice_SecondIsRecordedAsRejectedWithReferenceToFirst()
    {
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var first = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork(contentSha256: content) });
        var second = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork(contentSha256: content) });

        Assert.Multiple(() =>
        {
            Assert.That(first.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok));
            Assert.That(second.Receipt.Result.Code, Is.EqualTo(ResultCode.Rejected));
            Assert.That(second.Receipt.Result.ReferenceTxHash, Is.EqualTo(first.Receipt.TxHash));
        });
    }

    [Test]
    public async Task Submit_SameSignedTransactionAgain_IsIdempotent()
    {
        var transaction = Consortium.RegisterWork();
        var first = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });
        var again = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });

        Assert.That(again.Receipt.BlockHeight, Is.EqualTo(first.Receipt.BlockHeight));
        Assert.That(again.Receipt.Position, Is.EqualTo(first.Receipt.Position));
    }

    [Test]
    public async Task Submit_SameSignedTransactionConcurrently_IsCommittedOnceAndEverySubmitterGetsItsReceipt()
    {
        const int submitters = 16;
        var transaction = Consortium.RegisterWork();
        var txHash = TransactionHashing.ComputeHash(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance, transaction);
        var heightBefore = Node.Node.Blocks.LatestHeight;

        // All at once, so the retries arrive while the first copy is still queued or in flight.
        var submits = new Task<SubmitResponse>[submitters];
        for (var i = 0; i < submitters; i++)
        {
            submits[i] = Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }).ResponseAsync;
        }

        var responses = await Task.WhenAll(submits);

        var occurrences = 0;
        for (var height = heightBefore + 1; height <= Node.Node.Blocks.LatestHeight; height++)
        {
            var block = await Node.Client.GetBlockAsync(new GetBlockRequest { Height = height });
            foreach (var included in block.Transactions)
            {
                if (TransactionHashing.ComputeHash(Ledger.Core.Hashing.Sha256HashAlgorithm.Instance, included).AsSpan().SequenceEqual(txHash))
                {
                    occurrences++;
                }
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(occurrences, Is.EqualTo(1), "the same signed transaction must be committed once");
            Assert.That(responses.Select(r => r.Receipt.Result.Code), Is.All.EqualTo(ResultCode.Ok));
            Assert.That(responses.Select(r => (r.Receipt.BlockHeight, r.Receipt.Position)).Distinct().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public void Submit_WrongChainId_IsInvalidArgument() =>
        AssertStatus(Consortium.RegisterWork(chainId: "other-chain"), StatusCode.InvalidArgument, "chain");

    [Test]
    public void Submit_BitFlippedSignature_IsInvalidArgument()
    {
        var transaction = Consortium.RegisterWork();
        var signature = transaction.Signature.ToByteArray();
        signature[10] ^= 0x01;
        transaction.Signature = ByteString.CopyFrom(signature);

        AssertStatus(transaction, StatusCode.InvalidArgument, "signature");
    }

    [Test]
    public void Submit_GarbageEnvelope_IsInvalidArgument() =>
        AssertStatus(new SignedTransaction { Envelope = ByteString.CopyFrom(0xFF, 0xFF, 0xFF), Signature = ByteString.CopyFrom(new byte[64]) }, StatusCode.InvalidArgument, "envelope");

    [Test]
    public void Submit_KeyNotInTheConsortium_IsPermissionDenied() =>
        AssertStatus(Consortium.RegisterWork(signer: Ledger.Core.Crypto.CryptoSuites.P256Sha256.GenerateKeyPair()), StatusCode.PermissionDenied, "not a consortium key");

    [Test]
    public void Submit_RoleNotAllowedForTheType_IsPermissionDenied() =>
        AssertStatus(Consortium.RegisterWork(signer: Consortium.Court), StatusCode.PermissionDenied, "may not submit");

    [Test]
    public async Task Submit_ReplayedNonceWithDifferentContent_IsAlreadyExists()
    {
        await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork(nonce: 9_000_001) });

        AssertStatus(Consortium.RegisterWork(nonce: 9_000_001), StatusCode.AlreadyExists, "nonce");
    }

    [Test]
    public void Submit_RegistrationBodyOverTheRegistrysBound_IsRefusedAtTheDoorNamingTheBound()
    {
        var heightBefore = Node.Node.Blocks.LatestHeight;
        var exception = Assert.ThrowsAsync<RpcException>(async () =>
            await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork(titleBytes: RegistryLimits.TransactionBodyBytesMax) }));

        Assert.That(exception!.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
        Assert.That(exception.Status.Detail, Does.Contain("RegisterWork body"));
        Assert.That(Node.Node.Blocks.LatestHeight, Is.EqualTo(heightBefore));
    }

    [Test]
    public void Submit_Oversized_IsRefusedWithoutReachingTheLog()
    {
        var heightBefore = Node.Node.Blocks.LatestHeight;
        var exception = Assert.ThrowsAsync<RpcException>(async () =>
            await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork(titleBytes: new NodeOptions().TransactionBytesMax) }));

        Assert.That(exception!.StatusCode, Is.AnyOf(StatusCode.InvalidArgument, StatusCode.ResourceExhausted));
        Assert.That(Node.Node.Blocks.LatestHeight, Is.EqualTo(heightBefore));
    }

    [Test]
    public async Task GetTransaction_AfterSubmit_ReturnsItLinearizably()
    {
        var response = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork() });

        var found = await Node.Client.GetTransactionAsync(new GetTransactionRequest { TxHash = response.Receipt.TxHash, Consistency = ReadConsistency.Linearizable, IncludeReceipt = true });

        Assert.That(found.BlockHeight, Is.EqualTo(response.Receipt.BlockHeight));
        Assert.That(found.Receipt.LogInclusion, Is.EqualTo(response.Receipt.LogInclusion));
    }

    [Test]
    public void GetTransaction_UnknownHash_IsNotFound()
    {
        var exception = Assert.ThrowsAsync<RpcException>(async () =>
            await Node.Client.GetTransactionAsync(new GetTransactionRequest { TxHash = ByteString.CopyFrom(new byte[32]) }));
        Assert.That(exception!.StatusCode, Is.EqualTo(StatusCode.NotFound));
    }

    [Test]
    public async Task Blocks_AreHashChained_AndCertifiedByTheSingleNode()
    {
        await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork() });
        await Node.Client.SubmitAsync(new SubmitRequest { Transaction = Consortium.RegisterWork() });
        var height = Node.Node.Blocks.LatestHeight;

        var previous = await Node.Client.GetBlockAsync(new GetBlockRequest { Height = height - 1 });
        var latest = await Node.Client.GetBlockAsync(new GetBlockRequest { Height = height });
        var certified = await Node.Client.GetCertifiedHeaderAsync(new GetCertifiedHeaderRequest { Height = height });

        var hash = Ledger.Core.Hashing.Sha256HashAlgorithm.Instance;
        Assert.Multiple(() =>
        {
            Assert.That(latest.Header.PrevBlockHash.ToByteArray(), Is.EqualTo(BlockHash.Compute(previous.Header, hash)));
            Assert.That(certified.Attestations, Has.Count.EqualTo(1));
            Assert.That(BlockAttestations.Verify(Consortium.Nodes[0].Key.Public, certified.Attestations[0], certified.Header, hash), Is.True);
        });
    }

    [Test]
    public async Task Status_ReportsLeaderAndHeight()
    {
        var status = await Node.Client.StatusAsync(new StatusRequest());

        Assert.That(status.Role, Is.EqualTo("Leader"));
        Assert.That(status.ChainId, Is.EqualTo(Consortium.ChainId));
    }

    private void AssertStatus(SignedTransaction transaction, StatusCode expected, string messageFragment)
    {
        var exception = Assert.ThrowsAsync<RpcException>(async () => await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }));
        Assert.That(exception!.StatusCode, Is.EqualTo(expected), exception.Status.Detail);
        Assert.That(exception.Status.Detail, Does.Contain(messageFragment));
    }
}
