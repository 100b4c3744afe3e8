using System.Text.Json;

namespace Ledger.Core.Tests.Merkle;

/// <summary>Reads Vectors/rfc6962-proofs.jsonl (format in Vectors/README.md), copied next to the test assembly.</summary>
internal sealed class VectorFile
{
    public const string FileName = "rfc6962-proofs.jsonl";

    private VectorFile(byte[][] leaves, Dictionary<ulong, byte[]> roots, List<InclusionClaim> inclusions, List<ConsistencyClaim> consistencies)
    {
        Leaves = leaves;
        Roots = roots;
        Inclusions = inclusions;
        Consistencies = consistencies;
    }

    public byte[][] Leaves { get; }

    public Dictionary<ulong, byte[]> Roots { get; }

    public List<InclusionClaim> Inclusions { get; }

    public List<ConsistencyClaim> Consistencies { get; }

    public static VectorFile Load()
    {
        var path = Path.Combine(TestContext.CurrentContext.TestDirectory, "Merkle", "Vectors", FileName);
        byte[][] leaves = [];
        var roots = new Dictionary<ulong, byte[]>();
        var inclusions = new List<InclusionClaim>();
        var consistencies = new List<ConsistencyClaim>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "leaves":
                    leaves = [.. root.GetProperty("leaves").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!))];
                    break;
                case "root":
                    roots[root.GetProperty("size").GetUInt64()] = Hex(root, "root");
                    break;
                case "inclusion":
                    var index = root.GetProperty("index").GetUInt64();
                    var size = root.GetProperty("size").GetUInt64();
                    inclusions.Add(new InclusionClaim($"file inclusion of {index} in {size}", index, size, Hex(root, "leaf_hash"), Proof(root), Hex(root, "root")));
                    break;
                case "consistency":
                    var size1 = root.GetProperty("size1").GetUInt64();
                    var size2 = root.GetProperty("size").GetUInt64();
                    consistencies.Add(new ConsistencyClaim($"file consistency {size1} -> {size2}", size1, size2, Proof(root), Hex(root, "root1"), Hex(root, "root")));
                    break;
                default:
                    throw new InvalidDataException($"unknown vector type in line: {line}");
            }
        }

        return new VectorFile(leaves, roots, inclusions, consistencies);
    }

    private static byte[] Hex(JsonElement element, string name) => Convert.FromHexString(element.GetProperty(name).GetString()!);

    private static byte[][] Proof(JsonElement element) =>
        [.. element.GetProperty("proof").EnumerateArray().Select(e => Convert.FromHexString(e.GetString()!))];
}
