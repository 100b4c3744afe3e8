using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Bench;

/// <summary>
/// The end-to-end half of the registry benchmark: pre-signed BatchRegister transactions submitted
/// to a running cluster's leader (unary Submit, a few in flight), counting items whose batch came
/// back committed with an OK result. Start the cluster as <c>bench/run-cluster.sh</c> does.
/// </summary>
internal static class BatchClusterRun
{
    private static readonly TimeSpan LeaderWaitMax = TimeSpan.FromSeconds(60);

    public static double Run(string[] args, int batches, int batchItems) => RunAsync(args, batches, batchItems).GetAwaiter().GetResult();

    private static async Task<double> RunAsync(string[] args, int batches, int batchItems)
    {
        var urls = Required(args, "--ledger").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var genesis = ConsortiumGenesis.Parse(await File.ReadAllTextAsync(Required(args, "--genesis")).ConfigureAwait(false));
        var signer = KeyFile.Import(await File.ReadAllTextAsync(Required(args, "--key")).ConfigureAwait(false));
        var inFlight = (int)BenchArguments.PositiveLong(args, "--batch-inflight", 4);
        var memberId = PlatformMemberIdOf(genesis, signer);
        // The batch tree follows the consortium's suite (SM3 on sm2-sm3).
        var hash = Ledger.Core.Crypto.CryptoSuites.Get(genesis.Suite).Hash;

        Console.Error.WriteLine($"cluster batches: signing {batches + 1} BatchRegister of {batchItems} items (not timed)");
        var firstNonce = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000;
        var requests = new SubmitRequest[batches + 1];
        for (var b = 0; b < requests.Length; b++)
        {
            var (body, detached) = RegistryWorkload.BatchBody(hash, batchItems, memberId);
            var envelope = new TransactionEnvelope
            {
                ChainId = genesis.ChainId,
                Nonce = firstNonce + (ulong)b,
                Type = TransactionType.BatchRegister,
                Body = body.ToByteString(),
                SignerKeyId = ByteString.CopyFrom(signer.KeyId.Bytes),
                Suite = signer.Suite.Name,
            };
            var envelopeBytes = envelope.ToByteArray();
            var signature = SigningInput.Sign(signer, SigningContexts.TransactionSignature, genesis.ChainId, envelopeBytes);
            requests[b] = new SubmitRequest
            {
                Transaction = new SignedTransaction { Envelope = ByteString.CopyFrom(envelopeBytes), Signature = ByteString.CopyFrom(signature), DetachedItems = detached.ToByteString() },
                CorrelationId = (ulong)b,
            };
        }

        using var ledger = await LedgerTarget.ConnectAsync(urls, LeaderWaitMax).ConfigureAwait(false);
        using var channel = GrpcChannels.Create(ledger.Url);
        var api = new LedgerApi.LedgerApiClient(channel);
        if (!await CommittedOkAsync(api, requests[0]).ConfigureAwait(false))
        {
            throw new InvalidOperationException("the warm-up batch was not committed with an OK result");
        }

        var committedBatches = 0;
        var next = 0;
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[inFlight];
        for (var w = 0; w < inFlight; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) <= batches)
                {
                    if (await CommittedOkAsync(api, requests[b]).ConfigureAwait(false))
                    {
                        Interlocked.Increment(ref committedBatches);
                    }
                }
            });
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var items = (double)committedBatches * batchItems;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cluster batches: {committedBatches}/{batches} BatchRegister of {batchItems} items ({requests[1].Transaction.CalculateSize()} bytes each) committed in {seconds:F1} s with {inFlight} in flight, leader {ledger.Url}"));
        return items / seconds;
    }

    // A rejected batch (e.g. a root mismatch) still gets a receipt; only an OK result anchored its items.
    private static async Task<bool> CommittedOkAsync(LedgerApi.LedgerApiClient api, SubmitRequest request)
    {
        var response = await api.SubmitAsync(request).ConfigureAwait(false);
        if (response.Receipt is null)
        {
            return false;
        }

        if (response.Receipt.Result.Code != ResultCode.Ok)
        {
            Console.Error.WriteLine($"batch {request.CorrelationId} rejected: {response.Receipt.Result.Reason}");
            return false;
        }

        return true;
    }

    private static string PlatformMemberIdOf(ConsortiumGenesis genesis, KeyPair signer)
    {
        var publicKey = signer.Public.ToArray();
        foreach (var member in genesis.Members)
        {
            foreach (var key in member.Keys)
            {
                if (key.PublicKey.AsSpan().SequenceEqual(publicKey))
                {
                    return member.Role == "platform"
                        ? member.Id
                        : throw new ArgumentException($"member '{member.Id}' has role '{member.Role}'; batch registration here needs a platform member's key");
                }
            }
        }

        throw new ArgumentException("the --key is not a key of any genesis member");
    }

    private static string Required(string[] args, string flag)
    {
        var at = Array.IndexOf(args, flag);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : throw new ArgumentException($"{flag} is required");
    }
}
