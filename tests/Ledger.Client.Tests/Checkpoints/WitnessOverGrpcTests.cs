using Google.Protobuf;
using Ledger.Cli.Witness;
using Ledger.Client.Tests.Support;
using Ledger.Core.Checkpoints;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;

namespace Ledger.Client.Tests.Checkpoints;

/// <summary>The witness against the node's gRPC API (GetCheckpoint, GetConsistencyProof, AddCosignature) served in-process.</summary>
public sealed class WitnessOverGrpcTests
{
    [Test]
    public async Task StepAsync_OverGrpc_FetchesVerifiesProofAndSendsTheCosignature()
    {
        using var directory = new TempDirectory();
        var fixture = new CheckpointFixture(CryptoSuites.P256Sha256);
        var served = fixture.Signed(8).Format();
        var received = new List<string>();
        var proofs = new List<(ulong, ulong)>();
        using var handler = new RoutingGrpcHandler()
            .Route("GetCheckpoint", _ => new GetCheckpointResponse { SignedNote = served, BlockHeight = 3 })
            .Route("GetConsistencyProof", payload =>
            {
                var request = GetConsistencyProofRequest.Parser.ParseFrom(payload);
                proofs.Add((request.FirstSize, request.SecondSize));
                var proof = new ConsistencyProof { FirstSize = request.FirstSize, SecondSize = request.SecondSize };
                proof.Path.AddRange(fixture.Tree.BuildConsistencyProof(request.FirstSize, request.SecondSize).Select(ByteString.CopyFrom));
                return proof;
            })
            .Route("AddCosignature", payload =>
            {
                received.Add(AddCosignatureRequest.Parser.ParseFrom(payload).SignedNote);
                return new AddCosignatureResponse();
            });
        await using var client = new LedgerClient(new LedgerClientOptions { Endpoints = [new Uri("http://node-1.test:7050")], HttpHandler = handler, VerifyResponses = false });
        var loop = new CheckpointWitnessLoop(new LedgerClientWitnessLedger(client), fixture.Trust, fixture.Hasher, fixture.WitnessKey, CheckpointFixture.WitnessName, directory.File("state.json"), TimeProvider.System);

        var first = await loop.StepAsync(CancellationToken.None);
        served = fixture.Signed(40).Format();
        var second = await loop.StepAsync(CancellationToken.None);

        Assert.That((first.Kind, second.Kind), Is.EqualTo((WitnessStepKind.Cosigned, WitnessStepKind.Cosigned)));
        Assert.That(proofs, Is.EqualTo(new[] { (8UL, 40UL) }));
        Assert.That(received, Has.Count.EqualTo(2));
        var last = CheckpointVerifier.Verify(received[1], fixture.Trust);
        Assert.That(last.IsValid && last.Checkpoint!.TreeSize == 40 && last.Witnesses.Count == 1, Is.True, last.Problem);
    }
}
