namespace Ledger.Core.Tests.Web;

/// <summary>
/// The committed JS fixtures (web/verifier/test/fixtures) are what the C# code computes today: a change to
/// Ledger.Core that changes an encoding, a hash or an accept/reject decision fails here until the fixtures
/// are regenerated (run WriteFixtures) and the JS port (web/verifier, `cd web &amp;&amp; node --test verifier/test/`) agrees again.
/// </summary>
public sealed class JsFixturesTests
{
    [Test]
    public void CommittedFixtures_RegeneratedInMemory_AreIdentical()
    {
        var directory = Path.Combine(RepositoryRoot.Path, JsFixtures.RelativeDirectory);

        foreach (var (name, expected) in JsFixtures.Generate())
        {
            var path = Path.Combine(directory, name);
            Assert.That(File.Exists(path), Is.True, $"{path} is missing: run JsFixturesTests.WriteFixtures");
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(expected), $"{name} drifted from what Ledger.Core computes: run JsFixturesTests.WriteFixtures and the JS tests");
        }
    }

    [Test]
    [Explicit("writes web/verifier/test/fixtures; run by hand after a deliberate change")]
    public void WriteFixtures()
    {
        var directory = Path.Combine(RepositoryRoot.Path, JsFixtures.RelativeDirectory);
        Directory.CreateDirectory(directory);
        foreach (var (name, bytes) in JsFixtures.Generate())
        {
            File.WriteAllBytes(Path.Combine(directory, name), bytes);
        }
    }
}
