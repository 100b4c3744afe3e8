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
    public void TryGetMany_AnswersEachKeyAsTryGet_PresentEmptyAbsentRepeatedAndFlushed()
    {
        using var database = LedgerDatabase.Open(new LedgerDatabaseOptions { DataDirectory = directory, ChainId = "c" });
        var rocks = new RocksDbRegistryState(database);
        var random = new Random(99);
        var writes = new SortedDictionary<StateKey, byte[]?>();
        for (var i = 0; i < 300; i++)
        {
            var key = new byte[1 + random.Next(1, 40)];
            random.NextBytes(key);
            key[0] = (byte)random.Next(1, 4);
            // Empty values are the nonce and index markers: present, not absent.
            writes[new StateKey(key)] = random.Next(3) == 0 ? [] : RandomBytes(random, random.Next(1, 300));
        }

        rocks.Apply(writes.Select(w => new StateWrite(w.Key, w.Value)).ToList());
        database.Flush();
        rocks.Apply([new StateWrite(writes.Keys.First(), [7, 7])]);
        var queried = writes.Keys.Concat(writes.Keys.Take(5)).Concat(Enumerable.Range(0, 50).Select(i => new StateKey([(byte)random.Next(1, 4), (byte)i, 0xEE])))
            .OrderBy(_ => random.Next()).ToArray();

        var values = new byte[]?[queried.Length];
        rocks.TryGetMany(queried, values);

        for (var i = 0; i < queried.Length; i++)
        {
            var expected = rocks.TryGet(queried[i], out var value) ? value : null;
            Assert.That(values[i], Is.EqualTo(expected), $"key {queried[i]}");
        }

        Assert.That(values.Count(v => v is null), Is.GreaterThan(0), "some keys are absent");
        Assert.That(values.Count(v => v is { Length: 0 }), Is.GreaterThan(0), "some values are empty");
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
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
