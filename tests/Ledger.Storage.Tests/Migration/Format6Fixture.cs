using System.Runtime.CompilerServices;
using Ledger.Storage.Blocks;
using Ledger.Storage.Tests.Blocks;

namespace Ledger.Storage.Tests.Migration;

/// <summary>
/// The stored data directory of format version 6 under <c>Fixtures/format6/db</c> (Fixtures/format6/README.md): five blocks
/// of <see cref="TestChain"/> (chain id "block-test", interim SHA-256 hashing), each stored as version 6 stored blocks.
/// </summary>
internal static class Format6Fixture
{
    public const int Blocks = 5;

    /// <summary>The fixture as built into the test output.</summary>
    public static string Stored => Path.Combine(AppContext.BaseDirectory, "Fixtures", "format6", "db");

    /// <summary>A copy of the fixture at <paramref name="destination"/> (a test never opens the stored files themselves: an open writes).</summary>
    public static string CopyTo(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(Stored))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        return destination;
    }

    /// <summary>
    /// Writes the fixture into <paramref name="destination"/>: the current block writer appends the blocks, then the
    /// version 6 layout is constructed explicitly (<see cref="LegacyLayout.Convert"/>: each block's per-transaction records
    /// replaced by its whole-block record, the directory stamped 6; header, hash, index, log tree and Raft records are
    /// laid out alike in both versions), memtables flushed so the records sit in table files. The format-6 writer itself
    /// is gone from this build.
    /// </summary>
    public static void Generate(string destination)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "ledger-format6-fixture-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var database = TestChain.OpenDatabase(scratch, syncWrites: true))
            {
                var store = new BlockStore(database, TestChain.Hashing);
                TestChain.AppendBlocks(store, Blocks);
                LegacyLayout.Convert(database, store);
                database.Flush();
            }

            if (Directory.Exists(destination))
            {
                Directory.Delete(destination, recursive: true);
            }

            Directory.CreateDirectory(destination);
            foreach (var file in Directory.GetFiles(scratch))
            {
                var name = Path.GetFileName(file);
                // RocksDB's info logs and the lock file are not part of the data.
                if (name == "LOCK" || name.StartsWith("LOG", StringComparison.Ordinal))
                {
                    continue;
                }

                File.Copy(file, Path.Combine(destination, name));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The fixture directory in the source tree (for <see cref="FormatMigrationTests.RegenerateFormat6Fixture"/>).</summary>
    public static string SourceTreePath([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "Fixtures", "format6", "db");
}
