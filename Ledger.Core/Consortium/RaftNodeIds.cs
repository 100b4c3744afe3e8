using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Core.Consortium;

/// <summary>
/// Raft identifies nodes by a non-zero 64-bit number; the consortium names them by string ids.
/// The number is derived, never assigned: the first 8 bytes (big-endian) of
/// SHA-256("ledger/v1/raft-node-id\0" || UTF-8 node id), so every node and every auditor maps
/// names to numbers identically without coordination. Zero is reserved by Raft and maps to 1.
/// </summary>
public static class RaftNodeIds
{
    private static ReadOnlySpan<byte> Context => "ledger/v1/raft-node-id\0"u8;

    public static ulong Of(string nodeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        var idBytes = Encoding.UTF8.GetBytes(nodeId);
        var input = new byte[Context.Length + idBytes.Length];
        Context.CopyTo(input);
        idBytes.CopyTo(input.AsSpan(Context.Length));
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, digest);
        var value = BinaryPrimitives.ReadUInt64BigEndian(digest);
        return value == 0 ? 1 : value;
    }
}
