using Ledger.Registry.State;
using Ledger.Storage.Registry;

namespace Ledger.Storage.Tests.Registry;

public sealed class RocksDbRegistryStateTests
{
    private string directory = "";

    [SetUp]
    public void CreateDirectory() => directory = Directory.CreateTempSubdirectory("ledger-registry-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(directory, recursive: true);

    [Test]
    public void RandomWritesAndScans_MatchTheInMemoryReferenceState()
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "c" });
        var rocks = new RocksDbRegistryState(database);
        var memory = new MemoryRegistryState();
        var random = new Random(1234);

        for (var round = 0; round < 50; round++)
        {
            var writes = new SortedDictionary<StateKey, byte[]?>();
            for (var i = 0; i < 40; i++)
            {
                var key = new StateKey([(byte)random.Next(1, 4), (byte)random.Next(0, 6), (byte)random.Next(0, 6)]);
                writes[key] = random.Next(4) == 0 ? null : [(byte)random.Next(256)];
            }

            var list = writes.Select(w => new StateWrite(w.Key, w.Value)).ToList();
            rocks.Apply(list);
            memory.Apply(list);
        }

        for (byte space = 1; space < 4; space++)
        {
            var prefix = new StateKey([space]);
            Assert.That(Render(rocks.Scan(prefix)), Is.EqualTo(Render(memory.Scan(prefix))), $"scan of key space {space}");
            var after = new StateKey([space, 2, 3]);
            Assert.That(Render(rocks.Scan(prefix, after)), Is.EqualTo(Render(memory.Scan(prefix, after))), $"scan of key space {space} after a key");
        }
    }

    [Test]
    public void StagedWrites_AreInvisibleUntilTheBatchIsWritten()
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "c" });
        var state = new RocksDbRegistryState(database);
        var key = new StateKey([1, 2]);
        using var batch = new RocksDbSharp.WriteBatch();

        state.Stage(batch, [new StateWrite(key, [9])]);
        Assert.That(state.TryGet(key, out _), Is.False);

        database.Write(batch, sync: false);
        Assert.That(state.TryGet(key, out var value) ? value : null, Is.EqualTo(new byte[] { 9 }));
    }

    private static List<string> Render(IEnumerable<StateEntry> entries) =>
        entries.Select(e => $"{e.Key}={Convert.ToHexString(e.Value)}").ToList();
}
