using System.Text.Json.Nodes;

namespace Ledger.Fuzz.Evidence;

/// <summary>
/// A case as a file (<c>--replay FILE</c> runs it as one case): the bundle's exact bytes, the trusted
/// genesis and the content, with the seed, index and mutation that made it. Next to it the fuzzer writes
/// the bare bundle (<c>.bundle.json</c>) for <c>ledger evidence verify</c>.
/// </summary>
public static class DiffCaseFile
{
    public const string Extension = ".case.json";
    public const string BundleExtension = ".bundle.json";

    public static string Write(string directory, DiffCase diffCase, string? difference)
    {
        ArgumentNullException.ThrowIfNull(diffCase);
        Directory.CreateDirectory(directory);
        var name = Path.Combine(directory, $"evidence-diff-seed{diffCase.Seed}-case{diffCase.Index}");
        var json = new JsonObject
        {
            ["seed"] = diffCase.Seed,
            ["index"] = diffCase.Index,
            ["mutation"] = diffCase.Mutation,
            ["difference"] = difference,
            ["trustedGenesisSha256Hex"] = diffCase.TrustedGenesisSha256 is null ? null : Convert.ToHexStringLower(diffCase.TrustedGenesisSha256),
            ["contentBase64"] = diffCase.Content is null ? null : Convert.ToBase64String(diffCase.Content),
            ["bundleBase64"] = Convert.ToBase64String(diffCase.Bundle),
        };
        File.WriteAllText(name + Extension, json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.WriteAllBytes(name + BundleExtension, diffCase.Bundle);
        return name + Extension;
    }

    public static DiffCase Read(string path)
    {
        var json = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
        return new DiffCase(
            (long)json["seed"]!,
            (long)json["index"]!,
            (string)json["mutation"]!,
            Convert.FromBase64String((string)json["bundleBase64"]!),
            json["trustedGenesisSha256Hex"] is { } trusted ? Convert.FromHexString((string)trusted!) : null,
            json["contentBase64"] is { } content ? Convert.FromBase64String((string)content!) : null);
    }
}
