using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Chaos.Disk;

/// <summary>
/// The chain as a healthy node serves it, block by block (serialized and parsed), grown as the sweep's
/// workload commits more: blocks never change once committed, so only new ones are fetched.
/// </summary>
public sealed class HealthyChain
{
    /// <summary>Blocks fetched by one GetBlocks call.</summary>
    private const ulong PageBlocks = 500;

    private static readonly TimeSpan ReadDeadline = TimeSpan.FromSeconds(30);

    private readonly List<byte[]> serialized = [];
    private readonly List<Block> blocks = [];

    public ulong Height => (ulong)blocks.Count;

    /// <summary>Block <paramref name="height"/> (1-based) as bytes.</summary>
    public byte[] SerializedAt(ulong height) => serialized[(int)(height - 1)];

    public Block At(ulong height) => blocks[(int)(height - 1)];

    /// <summary>Fetches blocks up to <paramref name="height"/> from <paramref name="healthy"/>.</summary>
    public async Task GrowToAsync(SweepNode healthy, ulong height, CancellationToken cancellationToken)
    {
        while (Height < height)
        {
            var from = Height + 1;
            var to = Math.Min(height, from + PageBlocks - 1);
            using var call = healthy.Api.GetBlocks(new GetBlocksRequest { FromHeight = from, ToHeight = to }, deadline: DateTime.UtcNow + ReadDeadline, cancellationToken: cancellationToken);
            await foreach (var block in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                if (block.Header.Height != Height + 1)
                {
                    throw new InvalidOperationException($"{healthy.NodeId} sent block {block.Header.Height} where {Height + 1} was expected");
                }

                serialized.Add(block.ToByteArray());
                blocks.Add(block);
            }
        }
    }
}
