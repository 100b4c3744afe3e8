using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Chaos.Disk;

/// <summary>
/// Queries a flipped node for every block, a few inclusion proofs and a few registry lookups, and compares
/// each answer with what a healthy node gives for the same question. A question the flipped node cannot
/// answer yet (it is behind: NotFound, or unavailable) is not a difference; a different answer is.
/// </summary>
public sealed class FlippedNodeProbe
{
    /// <summary>Inclusion proofs and registry lookups asked per probe.</summary>
    public const int SpotChecksPerProbe = 3;

    private const ulong PageBlocks = 500;

    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(20);

    private readonly Random random;

    public FlippedNodeProbe(Random random)
    {
        this.random = random;
    }

    public async Task<ProbeResult> ProbeAsync(SweepNode flipped, SweepNode healthy, HealthyChain chain, CancellationToken cancellationToken)
    {
        string? damage = null;
        var identical = 0UL;
        try
        {
            var blocks = await CompareBlocksAsync(flipped, chain, cancellationToken);
            if (blocks.Difference is not null)
            {
                return new ProbeResult(blocks.Difference, null, blocks.Identical);
            }

            identical = blocks.Identical;
        }
        catch (RpcException e) when (IsDamage(e))
        {
            damage = $"blocks: {e.Status.StatusCode} {Shorten(e.Status.Detail)}";
        }
        catch (RpcException)
        {
            // Unavailable or not there yet: the node may still be opening or catching up; not an answer.
        }

        for (var i = 0; i < SpotChecksPerProbe && chain.Height > 0; i++)
        {
            var height = (ulong)random.NextInt64(1, (long)chain.Height + 1);
            var block = chain.At(height);
            if (block.Transactions.Count == 0)
            {
                continue;
            }

            var position = random.Next(block.Transactions.Count);
            var transactionHash = TransactionHashing.ComputeHash(CryptoSuites.P256Sha256.Hash, block.Transactions[position]);
            var proofRequest = new GetInclusionProofRequest { TxHash = ByteString.CopyFrom(transactionHash), TreeSize = block.Header.LogSize };
            var (proofDifference, proofDamage) = await CompareAsync(
                "inclusion proof",
                height,
                () => flipped.Api.GetInclusionProofAsync(proofRequest, deadline: DateTime.UtcNow + ReadDeadline, cancellationToken: cancellationToken).ResponseAsync,
                () => healthy.Api.GetInclusionProofAsync(proofRequest, deadline: DateTime.UtcNow + ReadDeadline, cancellationToken: cancellationToken).ResponseAsync);
            if (proofDifference is not null)
            {
                return new ProbeResult(proofDifference, damage, identical);
            }

            damage ??= proofDamage;
            if (block.Results.Count > position && block.Results[position].Code == ResultCode.Ok && block.Transactions[position] is { } transaction && IsRegistration(transaction))
            {
                var workRequest = new GetWorkRequest { WorkId = ByteString.CopyFrom([.. transactionHash, 0, 0, 0, 0]), Consistency = ReadConsistency.Local };
                var (workDifference, workDamage) = await CompareAsync(
                    "registry work",
                    height,
                    async () => (await flipped.Registry.GetWorkAsync(workRequest, deadline: DateTime.UtcNow + ReadDeadline, cancellationToken: cancellationToken)).Work,
                    async () => (await healthy.Registry.GetWorkAsync(workRequest, deadline: DateTime.UtcNow + ReadDeadline, cancellationToken: cancellationToken)).Work);
                if (workDifference is not null)
                {
                    return new ProbeResult(workDifference, damage, identical);
                }

                damage ??= workDamage;
            }
        }

        return new ProbeResult(null, damage, identical);
    }

    /// <summary>Every block the flipped node says it has, up to the healthy height, byte for byte.</summary>
    private static async Task<(string? Difference, ulong Identical)> CompareBlocksAsync(SweepNode flipped, HealthyChain chain, CancellationToken cancellationToken)
    {
        var status = await flipped.Api.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + ReadDeadline, cancellationToken: cancellationToken);
        var height = Math.Min(chain.Height, status.Height);
        var identical = 0UL;
        for (ulong from = 1; from <= height; from += PageBlocks)
        {
            var to = Math.Min(height, from + PageBlocks - 1);
            using var call = flipped.Api.GetBlocks(new GetBlocksRequest { FromHeight = from, ToHeight = to }, deadline: DateTime.UtcNow + ReadDeadline, cancellationToken: cancellationToken);
            var expected = from;
            await foreach (var block in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (expected > to)
                {
                    return ($"block stream went past height {to}", identical);
                }

                if (!block.ToByteArray().AsSpan().SequenceEqual(chain.SerializedAt(expected)))
                {
                    return ($"block {expected} differs from the healthy node's", identical);
                }

                identical = expected;
                expected++;
            }

            if (expected <= to)
            {
                // The node is behind: it served every block it has, all identical.
                break;
            }
        }

        return (null, identical);
    }

    /// <summary>Asks both nodes; a difference only when both answered and the answers differ.</summary>
    private static async Task<(string? Difference, string? Damage)> CompareAsync<T>(string what, ulong height, Func<Task<T>> askFlipped, Func<Task<T>> askHealthy)
        where T : IMessage
    {
        T fromFlipped;
        try
        {
            fromFlipped = await askFlipped();
        }
        catch (RpcException e) when (IsDamage(e))
        {
            return (null, $"{what}: {e.Status.StatusCode} {Shorten(e.Status.Detail)}");
        }
        catch (RpcException)
        {
            return (null, null);
        }

        T fromHealthy;
        try
        {
            fromHealthy = await askHealthy();
        }
        catch (RpcException)
        {
            // The healthy node could not answer (a leader change): nothing to compare with.
            return (null, null);
        }

        return fromFlipped.ToByteArray().AsSpan().SequenceEqual(fromHealthy.ToByteArray())
            ? (null, null)
            : ($"{what} for a transaction of block {height} differs from the healthy node's", null);
    }

    /// <summary>DataLoss is the node's word for "stored data failed verification"; Internal is how an unexpected storage exception surfaces.</summary>
    private static bool IsDamage(RpcException e) => e.StatusCode is StatusCode.DataLoss or StatusCode.Internal;

    private static bool IsRegistration(SignedTransaction transaction)
    {
        try
        {
            return TransactionEnvelope.Parser.ParseFrom(transaction.Envelope).Type == TransactionType.RegisterWork;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    internal static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
