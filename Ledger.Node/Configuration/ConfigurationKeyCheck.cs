using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Ledger.Node.Configuration;

/// <summary>
/// Refuses configuration keys under the node's section that no option reads: <c>Node:ElectionTick</c>
/// (for <c>ElectionTicks</c>) in appsettings.json, <c>LEDGER_Node__Fsnyc</c> in the environment or
/// <c>--Node:Tls:CaFile</c> on the command line would otherwise leave the real setting at its default
/// without a word. Derived values (<see cref="NodeOptions.PeerMessageBytesMax"/>) are refused too: they
/// cannot be set. The known keys are read from <see cref="NodeOptions"/> itself, so they cannot drift.
/// </summary>
public static class ConfigurationKeyCheck
{
    /// <summary>Depth of nested option objects walked at most (NodeOptions nests two levels).</summary>
    private const int DepthMax = 8;

    /// <summary>Unknown keys named in one error at most.</summary>
    private const int NamedMax = 5;

    /// <summary>Throws <see cref="NodeConfigurationException"/> naming the unknown keys under <paramref name="sectionName"/>, where each came from, and the nearest known key.</summary>
    public static void ThrowIfUnknown(IConfiguration configuration, string sectionName, Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var unknown = new List<string>();
        Walk(configuration.GetSection(sectionName), optionsType, unknown, 0);
        if (unknown.Count == 0)
        {
            return;
        }

        var known = KnownKeys(sectionName, optionsType);
        var described = unknown.Take(NamedMax).Select(key =>
        {
            var nearest = Nearest.Find(key, known);
            return $"'{key}' (from {SourceOf(configuration, key)}){(nearest is null ? "" : $", did you mean '{nearest}'?")}";
        });
        throw new NodeConfigurationException(
            $"unknown configuration key{(unknown.Count == 1 ? "" : "s")} {string.Join("; ", described)}{(unknown.Count > NamedMax ? $" and {unknown.Count - NamedMax} more" : "")}: " +
            "no setting has that name, or it is derived and cannot be set (docs/configuration.md lists the keys)");
    }

    /// <summary>Every settable key under the section, e.g. <c>Node:Api:ConnectionsMax</c>.</summary>
    public static IReadOnlyList<string> KnownKeys(string sectionName, Type optionsType)
    {
        var keys = new List<string>();
        Collect(sectionName, optionsType, keys, 0);
        return keys;
    }

    private static void Collect(string prefix, Type type, List<string> keys, int depth)
    {
        foreach (var property in Settable(type))
        {
            var path = $"{prefix}:{property.Name}";
            if (IsLeaf(property.PropertyType) || IsList(property.PropertyType, out _) || depth >= DepthMax)
            {
                keys.Add(path);
            }
            else
            {
                Collect(path, property.PropertyType, keys, depth + 1);
            }
        }
    }

    private static void Walk(IConfigurationSection section, Type type, List<string> unknown, int depth)
    {
        var properties = Settable(type).ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                unknown.Add(child.Path);
                continue;
            }

            var propertyType = property.PropertyType;
            if (IsList(propertyType, out var elementType))
            {
                foreach (var item in child.GetChildren())
                {
                    if (!int.TryParse(item.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        unknown.Add(item.Path);
                    }
                    else if (!IsLeaf(elementType) && depth < DepthMax)
                    {
                        Walk(item, elementType, unknown, depth + 1);
                    }
                }
            }
            else if (!IsLeaf(propertyType) && depth < DepthMax)
            {
                Walk(child, propertyType, unknown, depth + 1);
            }
            else if (IsLeaf(propertyType) && child.GetChildren().Any())
            {
                // Node:Fsync:Enabled when Node:Fsync is a plain value: the nested key is read by nothing.
                foreach (var nested in child.GetChildren())
                {
                    unknown.Add(nested.Path);
                }
            }
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static bool IsLeaf(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || TypeDescriptor.GetConverter(underlying).CanConvertFrom(typeof(string));
    }

    private static bool IsList(Type type, out Type elementType)
    {
        elementType = typeof(object);
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type))
        {
            return false;
        }

        if (type.IsArray)
        {
            elementType = type.GetElementType()!;
            return true;
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var element])
        {
            elementType = element;
            return true;
        }

        return false;
    }

    /// <summary>Which source set the key (or the first key under it): the last provider that has it wins, as in binding.</summary>
    private static string SourceOf(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return "configuration";
        }

        var leaf = FirstLeaf(configuration.GetSection(key));
        foreach (var provider in root.Providers.Reverse())
        {
            if (provider.TryGet(leaf, out _))
            {
                return provider switch
                {
                    CommandLineConfigurationProvider => "the command line",
                    EnvironmentVariablesConfigurationProvider => $"the environment variable {EnvironmentName(provider, leaf)}",
                    JsonConfigurationProvider json => json.Source.Path ?? "a JSON file",
                    _ => provider.ToString() ?? "configuration",
                };
            }
        }

        return "configuration";
    }

    private static string FirstLeaf(IConfigurationSection section)
    {
        for (var depth = 0; depth < DepthMax; depth++)
        {
            var first = section.GetChildren().FirstOrDefault();
            if (first is null)
            {
                break;
            }

            section = first;
        }

        return section.Path;
    }

    private static string EnvironmentName(IConfigurationProvider provider, string key)
    {
        // The provider's ToString names its prefix: "EnvironmentVariablesConfigurationProvider Prefix: 'LEDGER_'".
        var text = provider.ToString() ?? "";
        var start = text.IndexOf('\'', StringComparison.Ordinal);
        var end = text.LastIndexOf('\'');
        var prefix = start >= 0 && end > start ? text[(start + 1)..end] : "";
        return prefix + key.Replace(":", "__", StringComparison.Ordinal);
    }
}
