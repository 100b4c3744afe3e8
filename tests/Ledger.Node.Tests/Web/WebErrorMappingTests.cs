using System.Net;
using System.Text.Json;
using Ledger.Node.Tests.Support;
using Ledger.Storage.Errors;

namespace Ledger.Node.Tests.Web;

/// <summary>
/// The web listener answers the same precise gRPC statuses as the gRPC port, mapped to HTTP statuses
/// (as gRPC JSON transcoding maps them), with a JSON body <c>{"code", "message", "details"}</c> and never a stack trace.
/// </summary>
[NonParallelizable]
public sealed class WebErrorMappingTests
{
    [Test]
    public async Task Errors_OfAServingNode_MapToTheirHttpStatusWithTheGrpcCodeAndMessage()
    {
        await using var web = await WebTestNode.StartAsync();
        var hash64 = new string('b', 64);
        var cases = new (string Path, HttpStatusCode Http, Grpc.Core.StatusCode Grpc, string MessagePart)[]
        {
            ("/v1/works/abc", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.InvalidArgument, "work_id_hex"),
            ($"/v1/works/{hash64}", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.InvalidArgument, "work_id must be 36 bytes"),
            ($"/v1/transactions/{hash64}?tx_hash=AAAA", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.InvalidArgument, "not both"),
            ("/v1/blocks/0", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.InvalidArgument, "heights start at 1"),
            ("/v1/blocks/notanumber", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.InvalidArgument, ""),
            ("/v1/similar-works?perceptual_hash_hex=00000000000000001", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.InvalidArgument, "perceptual_hash_hex"),
            ($"/v1/transactions/{hash64}", HttpStatusCode.NotFound, Grpc.Core.StatusCode.NotFound, hash64),
            ($"/v1/works/{hash64}00000000", HttpStatusCode.NotFound, Grpc.Core.StatusCode.NotFound, "no work"),
            ("/v1/blocks/999", HttpStatusCode.NotFound, Grpc.Core.StatusCode.NotFound, "no block at height 999"),
            ("/v1/blocks/999/certified-header", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.FailedPrecondition, "not certified"),
            ("/v1/proofs/consistency?first_size=5&second_size=1", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.OutOfRange, "sizes must satisfy"),
            ("/v1/members?height=999", HttpStatusCode.BadRequest, Grpc.Core.StatusCode.OutOfRange, "beyond the applied height"),
        };

        foreach (var (path, http, grpc, messagePart) in cases)
        {
            var (status, json, _) = await web.GetJsonAsync(path);

            Assert.That(status, Is.EqualTo(http), path);
            AssertGrpcErrorBody(json, grpc, messagePart, path);
        }
    }

    [Test]
    public async Task LinearizableRead_WithoutALeader_Is503Unavailable()
    {
        // Node 1 of 2 alone can never win an election.
        await using var web = await WebTestNode.StartAsync(nodeCount: 2);

        var (status, json, _) = await web.GetJsonAsync($"/v1/works/{new string('c', 72)}?consistency=READ_CONSISTENCY_LINEARIZABLE");

        Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        AssertGrpcErrorBody(json, Grpc.Core.StatusCode.Unavailable, "linearizable read not possible", "linearizable read");
    }

    [Test]
    public async Task Read_AfterTheNodeFoundDamage_Is500DataLoss()
    {
        await using var web = await WebTestNode.StartAsync();
        await web.Node.Client.SubmitAsync(new Core.Protocol.SubmitRequest { Transaction = web.Consortium.RegisterWork() });
        web.Node.Node.Damage.Report(new StorageCorruptionException("block 1 failed its hash (planted by the test)", height: 1));

        var (status, json, _) = await web.GetJsonAsync("/v1/blocks/1");

        Assert.That(status, Is.EqualTo(HttpStatusCode.InternalServerError));
        AssertGrpcErrorBody(json, Grpc.Core.StatusCode.DataLoss, "", "damaged node");
    }

    private static void AssertGrpcErrorBody(JsonElement? json, Grpc.Core.StatusCode expected, string messagePart, string what)
    {
        Assert.That(json, Is.Not.Null, what);
        var body = json!.Value;
        var message = body.GetProperty("message").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(body.GetProperty("code").GetInt32(), Is.EqualTo((int)expected), $"{what}: {message}");
            Assert.That(message, Does.Contain(messagePart), what);
            Assert.That(message, Does.Not.Contain(" at Ledger.").And.Not.Contain("Exception"), $"{what}: no stack trace or exception type");
            Assert.That(body.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "code", "message", "details" }), what);
        });
    }
}
