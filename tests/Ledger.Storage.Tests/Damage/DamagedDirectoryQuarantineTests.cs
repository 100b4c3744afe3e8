using Ledger.Storage.Damage;

namespace Ledger.Storage.Tests.Damage;

public sealed class DamagedDirectoryQuarantineTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 14, 30, 0, TimeSpan.Zero);

    [Test]
    public void MoveAside_DamagedDirectory_MovesItToAStampedNameAndLeavesThePathFree()
    {
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "db");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(data, "000012.log"), "damaged");

        var copy = DamagedDirectoryQuarantine.MoveAside(data, Now);

        Assert.Multiple(() =>
        {
            Assert.That(copy, Is.EqualTo(data + ".damaged-20261206T143000000Z"));
            Assert.That(File.ReadAllText(Path.Combine(copy, "000012.log")), Is.EqualTo("damaged"));
            Assert.That(Directory.Exists(data), Is.False);
        });
    }

    [Test]
    public void MoveAside_TwiceInTheSameMillisecond_KeepsBothCopies()
    {
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "db");
        Directory.CreateDirectory(data);
        var first = DamagedDirectoryQuarantine.MoveAside(data, Now);
        Directory.CreateDirectory(data);

        var second = DamagedDirectoryQuarantine.MoveAside(data, Now);

        Assert.That(second, Is.Not.EqualTo(first));
        Assert.That(DamagedDirectoryQuarantine.Copies(data), Is.EqualTo(new[] { first, second }));
    }

    [Test]
    public void MoveAside_MoreCopiesThanKept_DeletesTheOldest()
    {
        using var root = new TempDirectory();
        var data = Path.Combine(root.Path, "db");
        var copies = new List<string>();
        for (var i = 0; i <= DamagedDirectoryQuarantine.KeptMax; i++)
        {
            Directory.CreateDirectory(data);
            copies.Add(DamagedDirectoryQuarantine.MoveAside(data, Now.AddMinutes(i)));
        }

        var kept = DamagedDirectoryQuarantine.Copies(data);

        Assert.Multiple(() =>
        {
            Assert.That(kept, Has.Count.EqualTo(DamagedDirectoryQuarantine.KeptMax));
            Assert.That(kept, Is.EqualTo(copies.Skip(1)));
            Assert.That(Directory.Exists(copies[0]), Is.False, "the oldest copy is deleted");
        });
    }

    [Test]
    public void MoveAside_NoDirectory_ThrowsDirectoryNotFound()
    {
        using var root = new TempDirectory();

        Assert.Throws<DirectoryNotFoundException>(() => DamagedDirectoryQuarantine.MoveAside(Path.Combine(root.Path, "db"), Now));
    }
}
