using System.Buffers.Binary;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Tests.Support;

namespace Ledger.Node.Tests;

/// <summary>The RegistryQuery service of one in-process node, fed with signed RegisterWork transactions.</summary>
[NonParallelizable]
public sealed class RegistryQueryTests
{
    private TestCluster cluster = null!;
    private GrpcChannel channel = null!;
    private RegistryQuery.RegistryQueryClient queries = null!;
    private long nextNonce = 50_000_000;

    private InProcessNode Node => cluster.Nodes[0];

    private TestConsortium Consortium => cluster.Consortium;

    [OneTimeSetUp]
    public async Task StartNode()
    {
        cluster = await TestCluster.StartAsync(1);
        channel = GrpcChannel.ForAddress(Node.PublicUrl);
        queries = new RegistryQuery.RegistryQueryClient(channel);
    }

    [OneTimeTearDown]
    public async Task StopNode()
    {
        channel.Dispose();
        await cluster.DisposeAsync();
    }

    [Test]
    public async Task GetWork_RegisteredWork_ReturnsItsRecordLinearizably()
    {
        var content = RandomNumberGenerator.GetBytes(32);
        var receipt = await RegisterAsync(content: content, title: "sunset.jpg");

        var response = await queries.GetWorkAsync(new GetWorkRequest { WorkId = WorkId(receipt), Consistency = ReadConsistency.Linearizable });

        Assert.Multiple(() =>
        {
            Assert.That(response.Work.WorkId, Is.EqualTo(WorkId(receipt)));
            Assert.That(response.Work.Title, Is.EqualTo("sunset.jpg"));
            Assert.That(response.Work.ContentHash.Sha256.ToByteArray(), Is.EqualTo(content));
            Assert.That(response.Work.RegisteredAt.Height, Is.EqualTo(receipt.BlockHeight));
            Assert.That(response.Work.RegistrantMemberId, Is.EqualTo("platform-1"));
            Assert.That(response.AsOfHeight, Is.GreaterThanOrEqualTo(receipt.BlockHeight));
        });
    }

    [Test]
    public async Task FindByContentHash_RegisteredContent_ReturnsTheWork()
    {
        var content = RandomNumberGenerator.GetBytes(32);
        var receipt = await RegisterAsync(content: content);

        var response = await queries.FindByContentHashAsync(new FindByContentHashRequest { Sha256 = ByteString.CopyFrom(content), Consistency = ReadConsistency.Linearizable });

        Assert.That(response.Work.WorkId, Is.EqualTo(WorkId(receipt)));
    }

    [Test]
    public void FindByContentHash_UnregisteredContent_IsNotFound() =>
        AssertStatus(() => queries.FindByContentHashAsync(new FindByContentHashRequest { Sha256 = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(32)) }).ResponseAsync, StatusCode.NotFound, "no work registered");

    [Test]
    public async Task ListWorksByOwner_PagesOfTwo_ReturnEveryWorkOfTheHolderExactlyOnce()
    {
        var holder = new RightsHolder { External = new ExternalHolder { Name = "A Seller", Identifier = $"seller-{Guid.NewGuid():N}" } };
        var registered = new HashSet<ByteString>();
        for (var i = 0; i < 3; i++)
        {
            registered.Add(WorkId(await RegisterAsync(holder: holder)));
        }

        var first = await queries.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = holder, PageSize = 2, Consistency = ReadConsistency.Linearizable });
        var second = await queries.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = holder, PageSize = 2, PageToken = first.NextPageToken });

        var listed = first.Works.Concat(second.Works).Select(w => w.WorkId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(first.Works, Has.Count.EqualTo(2));
            Assert.That(first.NextPageToken.IsEmpty, Is.False);
            Assert.That(second.Works, Has.Count.EqualTo(1));
            Assert.That(second.NextPageToken.IsEmpty, Is.True);
            Assert.That(listed, Is.EquivalentTo(registered));
        });
    }

    [Test]
    public async Task GetWorkHistory_NewWork_StartsWithItsRegistrationAtItsHeightAndTxHash()
    {
        var receipt = await RegisterAsync();

        var history = await queries.GetWorkHistoryAsync(new GetWorkHistoryRequest { WorkId = WorkId(receipt), Consistency = ReadConsistency.Linearizable });

        Assert.That(history.Events, Has.Count.EqualTo(1));
        var registration = history.Events[0];
        Assert.Multiple(() =>
        {
            Assert.That(registration.Kind, Is.EqualTo(WorkEventKind.Registered));
            Assert.That(registration.At.Height, Is.EqualTo(receipt.BlockHeight));
            Assert.That(registration.At.Index, Is.EqualTo(receipt.Position));
            Assert.That(registration.TxHash, Is.EqualTo(receipt.TxHash));
            Assert.That(registration.ActorMemberId, Is.EqualTo("platform-1"));
            Assert.That(history.NextPageToken.IsEmpty, Is.True);
        });
    }

    [Test]
    public async Task GetWorkHistory_PagesOfOne_ListRegistrationThenTransfer_AndTheOwnerIndexFollows()
    {
        var registration = await RegisterAsync();
        var buyer = new RightsHolder { External = new ExternalHolder { Name = "Buyer", Identifier = $"buyer-{Guid.NewGuid():N}" } };
        var transfer = await SubmitAsync(TransactionType.TransferOwnership, new TransferOwnership { WorkId = WorkId(registration), NewHolder = buyer });

        var first = await queries.GetWorkHistoryAsync(new GetWorkHistoryRequest { WorkId = WorkId(registration), PageSize = 1, Consistency = ReadConsistency.Linearizable });
        var second = await queries.GetWorkHistoryAsync(new GetWorkHistoryRequest { WorkId = WorkId(registration), PageSize = 1, PageToken = first.NextPageToken });
        var owned = await queries.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = buyer });

        Assert.Multiple(() =>
        {
            Assert.That(first.Events.Single().Kind, Is.EqualTo(WorkEventKind.Registered));
            Assert.That(first.NextPageToken.IsEmpty, Is.False);
            Assert.That(second.Events.Single().Kind, Is.EqualTo(WorkEventKind.OwnershipTransferred));
            Assert.That(second.Events.Single().At.Height, Is.EqualTo(transfer.BlockHeight));
            Assert.That(second.Events.Single().TxHash, Is.EqualTo(transfer.TxHash));
            Assert.That(second.Events.Single().NewHolder, Is.EqualTo(buyer));
            Assert.That(second.NextPageToken.IsEmpty, Is.True);
            Assert.That(owned.Works.Select(w => w.WorkId), Is.EqualTo(new[] { WorkId(registration) }));
        });
    }

    [Test]
    public void GetWorkHistory_UnknownWork_IsNotFound() =>
        AssertStatus(() => queries.GetWorkHistoryAsync(new GetWorkHistoryRequest { WorkId = ByteString.CopyFrom(new byte[36]) }).ResponseAsync, StatusCode.NotFound, "no work");

    [Test]
    public async Task GetMembersAt_Genesis_ListsTheFoundingMembersWithTheirRolesAndKeys()
    {
        var response = await queries.GetMembersAtAsync(new GetMembersAtRequest { Height = 0 });

        var byId = response.Members.ToDictionary(m => m.MemberId);
        Assert.Multiple(() =>
        {
            Assert.That(byId.Keys, Is.EquivalentTo(new[] { "admin-1", "platform-1", "court-1", TestConsortium.WitnessId }));
            Assert.That(byId["admin-1"].Role, Is.EqualTo(MemberRole.Admin));
            Assert.That(byId["platform-1"].Role, Is.EqualTo(MemberRole.Platform));
            Assert.That(byId["court-1"].Role, Is.EqualTo(MemberRole.Court));
            Assert.That(byId["platform-1"].ValidKeys.Single().KeyId.ToByteArray(), Is.EqualTo(Consortium.Platform.KeyId.Bytes.ToArray()));
            Assert.That(byId.Values.All(m => m.Active), Is.True);
        });
    }

    [Test]
    public void GetMembersAt_BeyondTheAppliedHeight_IsOutOfRange() =>
        AssertStatus(() => queries.GetMembersAtAsync(new GetMembersAtRequest { Height = Node.Node.Blocks.LatestHeight + 1_000 }).ResponseAsync, StatusCode.OutOfRange, "beyond the applied height");

    [Test]
    public async Task GetNodes_ListsTheGenesisNode()
    {
        var response = await queries.GetNodesAsync(new GetNodesRequest());

        Assert.That(response.Nodes.Select(n => n.NodeId), Is.EqualTo(new[] { "node-1" }));
    }

    [Test]
    public async Task FindSimilarWorks_WithinTheDistance_FindsTheWork_AndBeyondItDoesNot()
    {
        var phash = BinaryPrimitives.ReadUInt64BigEndian(RandomNumberGenerator.GetBytes(8));
        var receipt = await RegisterAsync(perceptualHash: phash);
        // Three bits apart: one in each of three 16-bit substrings under m = 4; under m = 3 (22/21/21) two share substring 1.
        var query = phash ^ (1UL << 3) ^ (1UL << 21) ^ (1UL << 40);

        var within = await queries.FindSimilarWorksAsync(new FindSimilarWorksRequest { PerceptualHash = query, MaxDistance = 3, Consistency = ReadConsistency.Linearizable });
        var beyond = await queries.FindSimilarWorksAsync(new FindSimilarWorksRequest { PerceptualHash = query, MaxDistance = 2 });

        var match = within.Matches.SingleOrDefault(m => m.WorkId == WorkId(receipt));
        Assert.Multiple(() =>
        {
            Assert.That(match, Is.Not.Null);
            Assert.That(match!.Distance, Is.EqualTo(3));
            Assert.That(match.PerceptualHash, Is.EqualTo(phash));
            Assert.That(match.Work.WorkId, Is.EqualTo(WorkId(receipt)));
            Assert.That(within.Truncated, Is.False);
            Assert.That(beyond.Matches.Select(m => m.WorkId), Does.Not.Contain(WorkId(receipt)));
        });
    }

    [Test]
    public async Task GetKey_AGenesisMemberKey_ReturnsItsOwnerAndValidity()
    {
        var response = await queries.GetKeyAsync(new GetKeyRequest { KeyId = ByteString.CopyFrom(Consortium.Court.KeyId.Bytes) });

        Assert.That(response.Key.MemberId, Is.EqualTo("court-1"));
        Assert.That(response.Key.ValidUntil, Is.Null);
    }

    [Test]
    public void ListClaimsByWork_UnknownWork_IsNotFound() =>
        AssertStatus(() => queries.ListClaimsByWorkAsync(new ListClaimsByWorkRequest { WorkId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(36)) }).ResponseAsync, StatusCode.NotFound, "no work");

    [Test]
    public async Task ListClaimsByWork_WorkWithoutClaims_IsAnEmptyLastPage()
    {
        var receipt = await RegisterAsync();

        var response = await queries.ListClaimsByWorkAsync(new ListClaimsByWorkRequest { WorkId = WorkId(receipt), Consistency = ReadConsistency.Linearizable });

        Assert.That(response.Claims, Is.Empty);
        Assert.That(response.NextPageToken.IsEmpty, Is.True);
    }

    [Test]
    public void GetWork_UnknownWork_IsNotFound() =>
        AssertStatus(() => queries.GetWorkAsync(new GetWorkRequest { WorkId = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(36)) }).ResponseAsync, StatusCode.NotFound, "no work");

    [Test]
    public void GetClaim_UnknownClaim_IsNotFound() =>
        AssertStatus(() => queries.GetClaimAsync(new GetRecordRequest { Id = ByteString.CopyFrom(new byte[32]) }).ResponseAsync, StatusCode.NotFound, "no claim");

    [Test]
    public void GetProposal_UnknownProposal_IsNotFound() =>
        AssertStatus(() => queries.GetProposalAsync(new GetRecordRequest { Id = ByteString.CopyFrom(new byte[32]) }).ResponseAsync, StatusCode.NotFound, "no proposal");

    [Test]
    public void GetLicense_UnknownLicence_IsNotFound() =>
        AssertStatus(() => queries.GetLicenseAsync(new GetRecordRequest { Id = ByteString.CopyFrom(new byte[32]) }).ResponseAsync, StatusCode.NotFound, "no licence");

    [TestCaseSource(nameof(MalformedRequests))]
    public void MalformedRequest_IsInvalidArgumentNamingTheProblem(string messageFragment, Func<RegistryQuery.RegistryQueryClient, Task> call) =>
        AssertStatus(() => call(queries), StatusCode.InvalidArgument, messageFragment);

    private static IEnumerable<TestCaseData> MalformedRequests()
    {
        static ByteString Bytes(int count) => ByteString.CopyFrom(new byte[count]);
        var holder = new RightsHolder { MemberId = "platform-1" };
        yield return Case("work id of 35 bytes", "work_id must be 36 bytes", q => q.GetWorkAsync(new GetWorkRequest { WorkId = Bytes(35) }).ResponseAsync);
        yield return Case("empty work id", "work_id must be 36 bytes", q => q.GetWorkHistoryAsync(new GetWorkHistoryRequest()).ResponseAsync);
        yield return Case("content hash of 31 bytes", "sha256 must be a 32-byte hash", q => q.FindByContentHashAsync(new FindByContentHashRequest { Sha256 = Bytes(31) }).ResponseAsync);
        yield return Case("both content hashes", "exactly one of sha256 and sm3", q => q.FindByContentHashAsync(new FindByContentHashRequest { Sha256 = Bytes(32), Sm3 = Bytes(32) }).ResponseAsync);
        yield return Case("no content hash", "exactly one of sha256 and sm3", q => q.FindByContentHashAsync(new FindByContentHashRequest()).ResponseAsync);
        yield return Case("page size 1001", "page_size must be at most 1000", q => q.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = holder, PageSize = 1001 }).ResponseAsync);
        yield return Case("page token of another query", "page_token", q => q.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = holder, PageToken = Bytes(5) }).ResponseAsync);
        yield return Case("history page token of 36 bytes", "page_token", q => q.GetWorkHistoryAsync(new GetWorkHistoryRequest { WorkId = Bytes(36), PageToken = Bytes(36) }).ResponseAsync);
        yield return Case("no holder", "holder must name", q => q.ListWorksByOwnerAsync(new ListWorksByOwnerRequest()).ResponseAsync);
        yield return Case("empty member id", "holder.member_id", q => q.ListWorksByOwnerAsync(new ListWorksByOwnerRequest { Holder = new RightsHolder { MemberId = "" } }).ResponseAsync);
        yield return Case("claim id of 33 bytes", "id must be a 32-byte hash", q => q.GetClaimAsync(new GetRecordRequest { Id = Bytes(33) }).ResponseAsync);
        yield return Case("empty proposal id", "id must be a 32-byte hash", q => q.GetProposalAsync(new GetRecordRequest()).ResponseAsync);
        yield return Case("unspecified claim status", "status must be", q => q.ListClaimsByStatusAsync(new ListClaimsByStatusRequest()).ResponseAsync);
        yield return Case("empty key id", "key_id", q => q.GetKeyAsync(new GetKeyRequest()).ResponseAsync);
        yield return Case("distance 9", "max_distance must be at most 8", q => q.FindSimilarWorksAsync(new FindSimilarWorksRequest { MaxDistance = 9 }).ResponseAsync);
        yield return Case("limit 1001", "limit must be at most 1000", q => q.FindSimilarWorksAsync(new FindSimilarWorksRequest { Limit = 1001 }).ResponseAsync);
        yield return Case("unknown consistency", "consistency", q => q.GetNodesAsync(new GetNodesRequest { Consistency = (ReadConsistency)7 }).ResponseAsync);

        static TestCaseData Case(string name, string fragment, Func<RegistryQuery.RegistryQueryClient, Task> call) =>
            new TestCaseData(fragment, call).SetArgDisplayNames(name);
    }

    private static ByteString WorkId(Receipt receipt)
    {
        // A single RegisterWork is item 0 of its transaction.
        var id = new byte[36];
        receipt.TxHash.Span.CopyTo(id);
        return ByteString.CopyFrom(id);
    }

    private static void AssertStatus(Func<Task> call, StatusCode expected, string messageFragment)
    {
        var exception = Assert.ThrowsAsync<RpcException>(async () => await call());
        Assert.That(exception!.StatusCode, Is.EqualTo(expected), exception.Status.Detail);
        Assert.That(exception.Status.Detail, Does.Contain(messageFragment));
    }

    private async Task<Receipt> RegisterAsync(byte[]? content = null, string title = "work", RightsHolder? holder = null, ulong? perceptualHash = null)
    {
        var body = new RegisterWork
        {
            ContentHash = new ContentHash { Sha256 = ByteString.CopyFrom(content ?? RandomNumberGenerator.GetBytes(32)) },
            MediaType = MediaType.Image,
            Title = title,
            RightsHolder = holder ?? new RightsHolder { MemberId = "platform-1" },
        };
        if (perceptualHash is { } phash)
        {
            body.PerceptualHash = phash;
        }

        return await SubmitAsync(TransactionType.RegisterWork, body);
    }

    private async Task<Receipt> SubmitAsync(TransactionType type, IMessage body)
    {
        var signer = Consortium.Platform;
        var envelope = new TransactionEnvelope
        {
            ChainId = Consortium.ChainId,
            Nonce = (ulong)Interlocked.Increment(ref nextNonce),
            Type = type,
            Body = body.ToByteString(),
            SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
            Suite = signer.Suite.Name,
        };
        var envelopeBytes = envelope.ToByteArray();
        var signature = SigningInput.Sign(signer, SigningContexts.TransactionSignature, envelope.ChainId, envelopeBytes);
        var transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature) };
        var response = await Node.Client.SubmitAsync(new SubmitRequest { Transaction = transaction });
        Assert.That(response.Receipt.Result.Code, Is.EqualTo(ResultCode.Ok), response.Receipt.Result.Reason);
        return response.Receipt;
    }
}
