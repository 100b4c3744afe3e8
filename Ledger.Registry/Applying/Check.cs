using Ledger.Core.Consortium;
using System.Text;
using Google.Protobuf;
using Ledger.Registry.Bounds;
using Ledger.Registry.Genesis;

namespace Ledger.Registry.Applying;

/// <summary>Field checks that reject with the matching reason code; the field name goes into the detail.</summary>
internal static class Check
{
    public static RuleViolationException Fail(RejectionReason reason, string detail, byte[]? reference = null) => new(reason, detail, reference);

    public static void Required(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Fail(RejectionReason.MissingField, $"{field} is required");
        }
    }

    public static void Utf8Max(string value, int maxBytes, string field, string limitName)
    {
        // Cheap pre-check: UTF-8 needs at most 3 bytes per UTF-16 unit.
        if (value.Length * 3 <= maxBytes)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes)
        {
            throw Fail(RejectionReason.LimitExceeded, $"{field} is {bytes} bytes, more than {limitName}={maxBytes}");
        }
    }

    public static void RequiredUtf8Max(string value, int maxBytes, string field, string limitName)
    {
        Required(value, field);
        Utf8Max(value, maxBytes, field, limitName);
    }

    public static void Hash(ByteString value, string field)
    {
        if (value.IsEmpty)
        {
            throw Fail(RejectionReason.MissingField, $"{field} is required");
        }

        if (value.Length != RegistryLimits.HashBytes)
        {
            throw Fail(RejectionReason.InvalidField, $"{field} must be {RegistryLimits.HashBytes} bytes, was {value.Length}");
        }
    }

    public static void Hashes(IReadOnlyList<ByteString> values, string field)
    {
        CountMax(values.Count, RegistryLimits.EvidenceHashesMax, field, nameof(RegistryLimits.EvidenceHashesMax));
        for (var i = 0; i < values.Count; i++)
        {
            Hash(values[i], $"{field}[{i}]");
        }

        Distinct(values, field);
    }

    public static void Id(ByteString value, int expectedBytes, string field)
    {
        if (value.IsEmpty)
        {
            throw Fail(RejectionReason.MissingField, $"{field} is required");
        }

        if (value.Length != expectedBytes)
        {
            throw Fail(RejectionReason.InvalidField, $"{field} must be {expectedBytes} bytes, was {value.Length}");
        }
    }

    public static void Identifier(string value, string field)
    {
        Required(value, field);
        if (value.Length > ConsortiumGenesis.IdentifierBytesMax)
        {
            throw Fail(RejectionReason.LimitExceeded, $"{field} of {Encoding.UTF8.GetByteCount(value)} bytes exceeds {ConsortiumGenesis.IdentifierBytesMax}");
        }

        if (!ConsortiumGenesis.IsValidIdentifier(value))
        {
            throw Fail(RejectionReason.InvalidField, $"{field} {OutsideValue.Quote(value)} is not 1-{ConsortiumGenesis.IdentifierBytesMax} characters of [A-Za-z0-9._:-]");
        }
    }

    /// <summary>An optional hash-sized id: empty, or exactly <paramref name="expectedBytes"/> long.</summary>
    public static void OptionalId(ByteString value, int expectedBytes, string field)
    {
        if (!value.IsEmpty)
        {
            Id(value, expectedBytes, field);
        }
    }

    public static void NotNegative(long value, string field)
    {
        if (value < 0)
        {
            throw Fail(RejectionReason.InvalidField, $"{field} is negative ({value})");
        }
    }

    /// <summary>A list must not name the same bytes twice (a set sent as a list).</summary>
    public static void Distinct(IReadOnlyList<ByteString> values, string field)
    {
        if (values.Count < 2)
        {
            return;
        }

        var seen = new HashSet<ByteString>(values.Count);
        for (var i = 0; i < values.Count; i++)
        {
            if (!seen.Add(values[i]))
            {
                throw Fail(RejectionReason.InvalidField, $"{field}[{i}] repeats an earlier entry");
            }
        }
    }

    public static void CountMax(int count, int max, string field, string limitName)
    {
        if (count > max)
        {
            throw Fail(RejectionReason.LimitExceeded, $"{field} has {count} entries, more than {limitName}={max}");
        }
    }

    public static void Defined<TEnum>(TEnum value, string field)
        where TEnum : struct, Enum
    {
        // Compared with the zero value as TEnum: no boxing (every RegisterWork checks its media type).
        if (EqualityComparer<TEnum>.Default.Equals(value, default))
        {
            throw Fail(RejectionReason.MissingField, $"{field} is required");
        }

        if (!Enum.IsDefined(value))
        {
            throw Fail(RejectionReason.InvalidField, $"{field} has unknown value {Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)}");
        }
    }

    public static void NotInFuture(long unixMs, BlockContext block, string field)
    {
        if (unixMs < 0)
        {
            throw Fail(RejectionReason.InvalidField, $"{field} is negative");
        }

        if (unixMs > block.TimestampUnixMs + RegistryLimits.ClaimedTimeFutureSkewMs)
        {
            throw Fail(RejectionReason.InvalidField, $"{field} {unixMs} is later than the block time {block.TimestampUnixMs} plus {nameof(RegistryLimits.ClaimedTimeFutureSkewMs)}");
        }
    }
}
