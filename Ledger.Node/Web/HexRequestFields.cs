using System.Collections.Concurrent;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace Ledger.Node.Web;

/// <summary>
/// One rule for every public request: a string field named <c>X_hex</c> is the hexadecimal spelling of
/// its sibling field <c>X</c> (a <c>bytes</c> field, or a <c>fixed64</c>/<c>uint64</c> number written
/// big-endian). Users see hashes as lower-case hex (the CLI prints them so, and so does the explorer);
/// the HTTP/JSON routes put them in URL paths such as <c>/v1/transactions/{tx_hash_hex}</c>, where the
/// proto3 JSON mapping would otherwise demand base64. Set before the service runs, so the services read
/// only <c>X</c> and there is one API, over gRPC and JSON alike.
/// <para>
/// Refused with InvalidArgument, naming the field: both spellings set, a hex text that is not an even
/// count of hex digits, more than <see cref="HexCharactersMax"/> characters, or more than 16 digits for
/// a number. The service then checks the decoded value's length as it always did.
/// </para>
/// </summary>
public static class HexRequestFields
{
    /// <summary>Suffix that marks the hex spelling of a sibling field.</summary>
    public const string Suffix = "_hex";

    /// <summary>
    /// Longest hex text accepted (128 bytes): above every id the API takes (a work id is 36 bytes, a
    /// key id at most 64, a hash 32), so a longer one is refused here before anything decodes it.
    /// </summary>
    public const int HexCharactersMax = 256;

    /// <summary>Hex digits of a 64-bit number.</summary>
    public const int NumberDigitsMax = 16;

    private static readonly ConcurrentDictionary<MessageDescriptor, FieldPair[]> PairsByMessage = new();

    /// <summary>Replaces every set <c>X_hex</c> of <paramref name="request"/> by its value in <c>X</c> (then clears <c>X_hex</c>).</summary>
    /// <exception cref="RpcException">InvalidArgument: both spellings set, or the hex is malformed.</exception>
    public static void Apply(IMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pairs = PairsByMessage.GetOrAdd(request.Descriptor, FindPairs);
        foreach (var pair in pairs)
        {
            var hex = (string)pair.Hex.Accessor.GetValue(request);
            if (hex.Length == 0)
            {
                continue;
            }

            if (IsSet(pair.Value, request))
            {
                throw Invalid($"set {pair.Value.Name} or {pair.Hex.Name}, not both");
            }

            pair.Value.Accessor.SetValue(request, pair.Value.FieldType == FieldType.Bytes ? DecodeBytes(hex, pair.Hex.Name) : DecodeNumber(hex, pair.Hex.Name));
            pair.Hex.Accessor.Clear(request);
        }
    }

    // Proto3 fields without presence: set means not the default (HasValue throws for them).
    private static bool IsSet(FieldDescriptor field, IMessage message) => field.Accessor.GetValue(message) switch
    {
        ByteString bytes => !bytes.IsEmpty,
        ulong number => number != 0,
        _ => throw new InvalidOperationException($"{field.FullName} is neither bytes nor a 64-bit unsigned number"),
    };

    /// <summary>The (X, X_hex) pairs of one message type; a message without any costs one dictionary look-up per call.</summary>
    public static FieldPair[] FindPairs(MessageDescriptor message)
    {
        var pairs = new List<FieldPair>();
        foreach (var field in message.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.String || field.IsRepeated || !field.Name.EndsWith(Suffix, StringComparison.Ordinal))
            {
                continue;
            }

            var sibling = message.FindFieldByName(field.Name[..^Suffix.Length]);
            if (sibling is { IsRepeated: false, FieldType: FieldType.Bytes or FieldType.Fixed64 or FieldType.UInt64 })
            {
                pairs.Add(new FieldPair(sibling, field));
            }
        }

        return [.. pairs];
    }

    private static ByteString DecodeBytes(string hex, string field)
    {
        if (hex.Length > HexCharactersMax || hex.Length % 2 != 0 || !IsHex(hex))
        {
            throw Invalid($"{field} must be an even number of hex digits (0-9, a-f), at most {HexCharactersMax}; was {hex.Length} characters");
        }

        return ByteString.CopyFrom(Convert.FromHexString(hex));
    }

    private static ulong DecodeNumber(string hex, string field)
    {
        if (hex.Length > NumberDigitsMax || !IsHex(hex))
        {
            throw Invalid($"{field} must be 1..{NumberDigitsMax} hex digits (0-9, a-f); was {hex.Length} characters");
        }

        return ulong.Parse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    public sealed record FieldPair(FieldDescriptor Value, FieldDescriptor Hex);
}
