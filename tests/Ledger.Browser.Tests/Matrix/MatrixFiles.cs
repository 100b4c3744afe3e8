using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ledger.Browser.Tests.Matrix;

/// <summary>
/// Writes the matrix for other verifiers (helper "jsverify" runs it under node): <c>cases.jsonl</c>, one
/// case a line, and each case's bundle file beside it. Written into a fresh sibling directory and
/// renamed into place, so a reader never sees half a matrix.
/// </summary>
public static class MatrixFiles
{
    public const string CasesFile = "cases.jsonl";

    public const string DirectoryVariable = "LEDGER_MATRIX_DIR";

    public const string DefaultDirectory = "/work/matrix";

    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Directory => Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured ? configured : DefaultDirectory;

    public static void Write(IReadOnlyList<MatrixCase> cases, string directory)
    {
        var target = Path.GetFullPath(directory);
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"{directory} has no parent", nameof(directory));
        System.IO.Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(staging);
        var names = new HashSet<string>(StringComparer.Ordinal);
        using (var lines = new StreamWriter(Path.Combine(staging, CasesFile)) { NewLine = "\n" })
        {
            foreach (var matrixCase in cases)
            {
                if (!names.Add(matrixCase.BundleFileName))
                {
                    throw new InvalidOperationException($"two cases write {matrixCase.BundleFileName}");
                }

                File.WriteAllBytes(Path.Combine(staging, matrixCase.BundleFileName), matrixCase.Bundle);
                lines.WriteLine(matrixCase.ToJson().ToJsonString(Compact));
            }
        }

        // Swap: the old matrix moves aside, the new one takes its name, the old one is deleted.
        var old = staging + ".old";
        if (System.IO.Directory.Exists(target))
        {
            System.IO.Directory.Move(target, old);
        }

        System.IO.Directory.Move(staging, target);
        if (System.IO.Directory.Exists(old))
        {
            System.IO.Directory.Delete(old, recursive: true);
        }
    }

    public static JsonNode ReadLine(string line) => JsonNode.Parse(line) ?? throw new InvalidDataException("null case");
}
