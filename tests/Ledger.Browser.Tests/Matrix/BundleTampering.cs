using System.Text;
using System.Text.Json.Nodes;
using Ledger.Core.Crypto;

namespace Ledger.Browser.Tests.Matrix;

/// <summary>
/// Every JSON member of a bundle, and of every object and array nested in it, changed in a way that
/// still reads as a value of its kind: one bit of a hash, key id, signature or base64 blob flipped,
/// a number plus one, a boolean negated, a name's first letter or digit shifted, a suite swapped for
/// another suite, an empty byte string filled. Each variant changes exactly one member; a verifier
/// must call every one INVALID or malformed.
/// </summary>
public static class BundleTampering
{
    /// <summary>An empty byte string becomes this many bytes (a hash's size).</summary>
    private const int FilledEmptyBytes = 32;

    /// <summary>Members holding text, not bytes (a name like "platform" also reads as base64).</summary>
    private static readonly HashSet<string> TextMembers = new(StringComparer.Ordinal)
    {
        "format", "chainId", "proposerNodeId", "nodeId", "reason", "itemId", "signedNote",
    };

    /// <summary>(JSON path, the whole bundle with that one member changed).</summary>
    public static IEnumerable<(string Path, byte[] Bundle)> EveryMember(byte[] bundle, string? under = null)
    {
        var root = JsonNode.Parse(bundle) ?? throw new InvalidOperationException("bundle is JSON null");
        foreach (var path in LeafPaths(root, ""))
        {
            if (under is not null && !path.StartsWith(under, StringComparison.Ordinal))
            {
                continue;
            }

            var copy = root.DeepClone();
            if (Tamper(copy, path))
            {
                yield return (path, Encoding.UTF8.GetBytes(copy.ToJsonString()));
            }
        }
    }

    private static IEnumerable<string> LeafPaths(JsonNode node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (child is not null)
                    {
                        foreach (var leaf in LeafPaths(child, path.Length == 0 ? name : $"{path}.{name}"))
                        {
                            yield return leaf;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child)
                    {
                        foreach (var leaf in LeafPaths(child, $"{path}[{i}]"))
                        {
                            yield return leaf;
                        }
                    }
                }

                break;
            default:
                yield return path;
                break;
        }
    }

    /// <summary>Changes the leaf at <paramref name="path"/> in place; false when it has no meaningful change.</summary>
    private static bool Tamper(JsonNode root, string path)
    {
        var leaf = Find(root, path);
        var member = MemberName(path);
        var value = (JsonValue)leaf;
        JsonNode replacement;
        if (value.TryGetValue<bool>(out var flag))
        {
            replacement = JsonValue.Create(!flag);
        }
        else if (value.TryGetValue<string>(out var text))
        {
            replacement = JsonValue.Create(TamperString(member, text));
        }
        else if (value.TryGetValue<ulong>(out var unsigned))
        {
            replacement = JsonValue.Create(unsigned + 1);
        }
        else if (value.TryGetValue<long>(out var signed))
        {
            replacement = JsonValue.Create(signed + 1);
        }
        else
        {
            return false;
        }

        leaf.ReplaceWith(replacement);
        return true;
    }

    private static string TamperString(string member, string text)
    {
        if (member == "suite")
        {
            return CryptoSuites.Names[(CryptoSuites.Names.ToList().IndexOf(text) + 1) % CryptoSuites.Names.Count];
        }

        if (TextMembers.Contains(member))
        {
            return ShiftFirstLetterOrDigit(text);
        }

        if (text.Length == 0)
        {
            return Convert.ToHexStringLower(Enumerable.Repeat((byte)0x5a, FilledEmptyBytes).ToArray());
        }

        if (text.Length % 2 == 0 && text.All(char.IsAsciiHexDigitLower))
        {
            var bytes = Convert.FromHexString(text);
            bytes[bytes.Length / 2] ^= 0x01;
            return Convert.ToHexStringLower(bytes);
        }

        try
        {
            var bytes = Convert.FromBase64String(text);
            bytes[bytes.Length / 2] ^= 0x01;
            return Convert.ToBase64String(bytes);
        }
        catch (FormatException)
        {
            return ShiftFirstLetterOrDigit(text);
        }
    }

    private static string ShiftFirstLetterOrDigit(string text)
    {
        var chars = text.ToCharArray();
        var at = Array.FindIndex(chars, char.IsAsciiLetterOrDigit);
        if (at < 0)
        {
            return text + "x";
        }

        chars[at] = chars[at] switch
        {
            'z' => 'a',
            'Z' => 'A',
            '9' => '0',
            var c => (char)(c + 1),
        };
        return new string(chars);
    }

    private static string MemberName(string path)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        return bracket < 0 ? name : name[..bracket];
    }

    private static JsonNode Find(JsonNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var indexes = new List<int>();
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0)
            {
                name = part[..bracket];
                indexes.AddRange(part[bracket..].Split('[', StringSplitOptions.RemoveEmptyEntries).Select(i => int.Parse(i.TrimEnd(']'), System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (name.Length > 0)
            {
                node = node[name] ?? throw new InvalidOperationException($"no member {path}");
            }

            foreach (var index in indexes)
            {
                node = node[index] ?? throw new InvalidOperationException($"no element {path}");
            }
        }

        return node;
    }
}
