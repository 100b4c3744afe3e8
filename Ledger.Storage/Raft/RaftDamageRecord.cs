using System.Globalization;
using System.Text;

namespace Ledger.Storage.Raft;

/// <summary>
/// The durable note of a <see cref="RaftLogCorruptionException"/>: column family, record, index and
/// problem as UTF-8 lines. Its mere presence makes the log refuse to open; the text only lets the
/// refusal repeat what was found. Its own damage still refuses, with a generic problem.
/// </summary>
internal static class RaftDamageRecord
{
    /// <summary>Longest problem text kept: the messages are ours, this only bounds the record.</summary>
    public const int ProblemCharsMax = 1_024;

    public static byte[] Encode(RaftLogCorruptionException damage)
    {
        var problem = damage.Problem.Length > ProblemCharsMax ? damage.Problem[..ProblemCharsMax] : damage.Problem;
        var index = damage.Index?.ToString(CultureInfo.InvariantCulture) ?? "";
        return Encoding.UTF8.GetBytes($"{damage.ColumnFamily}\n{damage.Record}\n{index}\n{problem.ReplaceLineEndings(" ")}");
    }

    /// <summary>The exception to throw at open for a recorded damage.</summary>
    public static RaftLogCorruptionException Decode(LedgerDatabase database, byte[] bytes)
    {
        var parts = Encoding.UTF8.GetString(bytes).Split('\n');
        if (parts.Length != 4)
        {
            return RaftRecordReader.StateDamage(database, "damage record", "damage was recorded earlier (the record of which is unreadable)");
        }

        ulong? index = ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        return new RaftLogCorruptionException(database.DataDirectory, parts[0], parts[1], index, $"found earlier: {parts[3]}");
    }
}
