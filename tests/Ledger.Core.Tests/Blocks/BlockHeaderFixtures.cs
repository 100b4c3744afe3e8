using Google.Protobuf;
using Ledger.Core.Blocks;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;

namespace Ledger.Core.Tests.Blocks;

internal static class BlockHeaderFixtures
{
    /// <summary>Every field set to a distinct, recognisable value.</summary>
    public static BlockHeader FullyPopulated() => new()
    {
        ChainId = "ip-consortium-1",
        Height = 1_234_567,
        PrevBlockHash = Sequence(0x01),
        TxRoot = Sequence(0x21),
        LogSize = 9_876_543_210,
        LogRoot = Sequence(0x41),
        StateRoot = Sequence(0x61),
        TimestampUnixMs = 1_764_000_000_123,
        ProposerNodeId = "node-2",
        RaftTerm = 7,
        RaftIndex = 123_456_789,
        TxCount = 250,
    };

    public static BlockHeader Genesis(string chainId = "chain-a") => new()
    {
        ChainId = chainId,
        Height = 0,
        TxRoot = Filled(0x0A),
        LogSize = 1,
        LogRoot = Filled(0x0B),
        TimestampUnixMs = 1_764_000_000_000,
        ProposerNodeId = "node-1",
        RaftTerm = 1,
        RaftIndex = 1,
        TxCount = 1,
    };

    /// <summary>A valid successor of <paramref name="previous"/> with <paramref name="txCount"/> transactions.</summary>
    public static BlockHeader Next(BlockHeader previous, uint txCount = 3) => new()
    {
        ChainId = previous.ChainId,
        Height = previous.Height + 1,
        PrevBlockHash = ByteString.CopyFrom(BlockHash.Compute(previous, Sha256HashAlgorithm.Instance)),
        TxRoot = Filled((byte)(previous.Height + 0x30)),
        LogSize = previous.LogSize + txCount,
        LogRoot = Filled((byte)(previous.Height + 0x50)),
        TimestampUnixMs = previous.TimestampUnixMs + 5,
        ProposerNodeId = previous.ProposerNodeId,
        RaftTerm = previous.RaftTerm,
        RaftIndex = previous.RaftIndex + 2,
        TxCount = txCount,
    };

    public static ByteString Filled(byte value, int length = 32)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, value);
        return ByteString.CopyFrom(bytes);
    }

    private static ByteString Sequence(byte first)
    {
        var bytes = new byte[32];
        for (var index = 0; index < bytes.Length; index++)
        {
            bytes[index] = (byte)(first + index);
        }

        return ByteString.CopyFrom(bytes);
    }
}
