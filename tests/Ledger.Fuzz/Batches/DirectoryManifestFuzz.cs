using System.Diagnostics;
using System.Text;
using Ledger.Cli.Batches;
using Ledger.Core.Crypto;
using Ledger.Core.Protocol;

namespace Ledger.Fuzz.Batches;

/// <summary>
/// <c>ledger batch-register DIR</c>'s reader (<see cref="DirectoryManifestReader"/>) on generated trees: odd and
/// long names (commas, line ends, '#', non-ASCII, up to the file system's 255 bytes), nesting past
/// <see cref="ManifestBounds.DirectoryDepthMax"/>, empty files and directories, symbolic links to files, to
/// directories, dangling and looping. Properties: the tree either reads — every regular file (and link to
/// one) exactly once, ids strictly in ordinal order, each within the node's bounds — or is refused with a
/// <see cref="ManifestFormatException"/> (or an I/O error the CLI maps to a clean exit, for a link that
/// cannot be opened); nothing else is thrown; skipping batches digests what reading them does.
/// </summary>
public static class DirectoryManifestFuzz
{
    private static readonly string[] NameParts =
    [
        "a", "b", "A", "photo", "img_01", "x.jpg", ".hidden", "-", "~", " ", ",", "#", "\n", "\t", "'", "\"", "\\", "\u00e9", "e\u0301", "\u00df", "\U0001F600", "\u202E", "\uFEFF", "..", "...", "0", "9",
    ];

    public static FuzzOutcome Check(Random random, string directory)
    {
        ArgumentNullException.ThrowIfNull(random);
        var tree = Path.Combine(directory, "tree");
        Directory.CreateDirectory(tree);
        var expected = new SortedSet<string>(StringComparer.Ordinal);
        var brokenLinks = 0;
        var deepest = Grow(tree, "", 1, random, expected, ref brokenLinks);
        var batchSize = 1 + random.Next(5);
        var ids = new List<string>();
        var batches = new List<(int Count, string Digest)>();
        try
        {
            using var reader = new DirectoryManifestReader(tree);
            var items = new List<BatchItem>();
            int count;
            while ((count = reader.ReadBatch(items, batchSize, skip: false)) > 0)
            {
                batches.Add((count, reader.SourceDigestHex()));
            }

            ids.AddRange(items.Select(i => i.ItemId));
            if (CsvManifestFuzz.AgreesWithTheNode(items, CryptoSuites.P256Sha256Name) is { } disagreement)
            {
                return disagreement;
            }
        }
        catch (ManifestFormatException refused)
        {
            return FuzzOutcome.Refused(refused.Message);
        }
        catch (Exception io) when (io is IOException or UnauthorizedAccessException && brokenLinks > 0)
        {
            return new FuzzOutcome("io-refused", $"{io.GetType().Name}: {io.Message}");
        }
        catch (Exception other)
        {
            return FuzzOutcome.Finding($"directory reader threw {other.GetType().Name}: {other.Message} (deepest {deepest})");
        }

        for (var i = 1; i < ids.Count; i++)
        {
            if (string.CompareOrdinal(ids[i - 1], ids[i]) >= 0)
            {
                return FuzzOutcome.Finding($"ids out of ordinal order: '{ids[i - 1]}' then '{ids[i]}'");
            }
        }

        if (!expected.SetEquals(ids))
        {
            return FuzzOutcome.Finding($"read {ids.Count} ids, the tree holds {expected.Count} files: missing [{string.Join("|", expected.Except(ids).Take(3))}], extra [{string.Join("|", ids.Except(expected).Take(3))}]");
        }

        using (var again = new DirectoryManifestReader(tree))
        {
            foreach (var (count, digest) in batches)
            {
                if (again.ReadBatch([], batchSize, skip: true) != count || again.SourceDigestHex() != digest)
                {
                    return FuzzOutcome.Finding("skipping a batch counted or digested other than reading it");
                }
            }
        }

        return FuzzOutcome.Accepted($"{ids.Count} files, deepest {deepest}");
    }

    /// <summary>
    /// A named pipe in the tree: reading it as a file would wait for a writer forever. Returns a finding when
    /// the reader does not finish within <paramref name="waitMax"/> (then unblocks it by opening the pipe for writing);
    /// the reader's refusal of the pipe as not a regular file is the expected outcome.
    /// </summary>
    public static FuzzOutcome CheckNamedPipe(string directory, TimeSpan waitMax)
    {
        var tree = Path.Combine(directory, "pipe-tree");
        Directory.CreateDirectory(tree);
        File.WriteAllText(Path.Combine(tree, "a.txt"), "a");
        var pipe = Path.Combine(tree, "b.pipe");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [pipe]) { UseShellExecute = false }))
        {
            mkfifo?.WaitForExit();
            if (mkfifo is null || mkfifo.ExitCode != 0)
            {
                return FuzzOutcome.Accepted("mkfifo unavailable: named pipe not checked");
            }
        }

        var reading = Task.Run(() =>
        {
            using var reader = new DirectoryManifestReader(tree);
            var items = new List<BatchItem>();
            while (reader.ReadBatch(items, 10, skip: false) > 0)
            {
            }

            return items.Count;
        });
        try
        {
            if (reading.Wait(waitMax))
            {
                return FuzzOutcome.Accepted($"{reading.Result} items beside a named pipe");
            }
        }
        catch (AggregateException e) when (e.InnerException is ManifestFormatException refusal)
        {
            return FuzzOutcome.Refused(refusal.Message);
        }

        using (new FileStream(pipe, FileMode.Open, FileAccess.Write))
        {
            // Opening the pipe for writing lets the blocked reader's open return (and read end of file).
        }

        try
        {
            reading.Wait(waitMax);
        }
        catch (AggregateException)
        {
            // How it ends after being unblocked does not matter: it hung.
        }

        return FuzzOutcome.Finding($"the directory reader waited more than {waitMax.TotalSeconds:F0} s on a named pipe in the manifest directory");
    }

    /// <summary>Fills <paramref name="directory"/> with random entries; returns the deepest level reached.</summary>
    private static int Grow(string directory, string relative, int depth, Random random, SortedSet<string> expected, ref int brokenLinks)
    {
        var deepest = depth;
        // Now and then a chain past the depth bound.
        var entries = depth == 1 && random.Next(8) == 0 ? 1 : random.Next(depth < 3 ? 6 : 3);
        for (var i = 0; i < entries; i++)
        {
            var name = Name(random);
            var full = Path.Combine(directory, name);
            var id = relative.Length == 0 ? name : relative + "/" + name;
            if (File.Exists(full) || Directory.Exists(full) || Encoding.UTF8.GetByteCount(name) > 255)
            {
                continue;
            }

            var chain = depth == 1 && entries == 1;
            switch (chain ? 0 : random.Next(8))
            {
                case 0:
                    Directory.CreateDirectory(full);
                    if (chain)
                    {
                        deepest = Math.Max(deepest, Chain(full, id, depth + 1, ManifestBounds.DirectoryDepthMax + random.Next(-1, 3), expected));
                    }
                    else if (depth < 6)
                    {
                        deepest = Math.Max(deepest, Grow(full, id, depth + 1, random, expected, ref brokenLinks));
                    }

                    break;
                case 1 when expected.Count > 0:
                    File.CreateSymbolicLink(full, Path.Combine(directory, "..", Path.GetFileName(directory)));
                    break;
                case 2:
                    if (random.Next(2) == 0)
                    {
                        File.CreateSymbolicLink(full, Path.Combine(directory, "missing-" + random.Next(1000)));
                    }
                    else
                    {
                        File.CreateSymbolicLink(full, full);
                    }

                    expected.Add(id);
                    brokenLinks++;
                    break;
                default:
                    File.WriteAllBytes(full, random.Next(3) == 0 ? [] : Encoding.UTF8.GetBytes(id));
                    expected.Add(id);
                    break;
            }
        }

        return deepest;
    }

    private static int Chain(string directory, string relative, int depth, int depthTarget, SortedSet<string> expected)
    {
        while (depth < depthTarget)
        {
            directory = Path.Combine(directory, "d");
            relative += "/d";
            Directory.CreateDirectory(directory);
            depth++;
        }

        File.WriteAllText(Path.Combine(directory, "f"), "deep");
        expected.Add(relative + "/f");
        return depth;
    }

    private static string Name(Random random)
    {
        if (random.Next(10) == 0)
        {
            return new string('n', 40 + random.Next(216));
        }

        var name = new StringBuilder();
        var parts = 1 + random.Next(3);
        for (var i = 0; i < parts; i++)
        {
            name.Append(NameParts[random.Next(NameParts.Length)]);
        }

        var text = name.ToString();
        return text is "." or ".." ? text + "x" : text;
    }
}
