using Ledger.Core.Checkpoints;

namespace Ledger.Client.Tests.Checkpoints;

/// <summary>docs/checkpoints.md's worked example stays true: regenerate with LEDGER_REGENERATE_DOCS=1.</summary>
public sealed class CheckpointDocumentTests
{
    private static string DocumentPath
    {
        get
        {
            var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ledger.sln")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("repository root not found"), "docs", "checkpoints.md");
        }
    }

    [Test]
    public void WorkedExample_InTheDocument_IsWhatTheCodeComputes()
    {
        var document = File.ReadAllText(DocumentPath);
        var start = document.IndexOf(CheckpointDocumentExample.BeginMarker, StringComparison.Ordinal);
        var end = document.IndexOf(CheckpointDocumentExample.EndMarker, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0).And.LessThan(end), "generated example markers");
        var region = document[start..(end + CheckpointDocumentExample.EndMarker.Length)];

        if (Environment.GetEnvironmentVariable("LEDGER_REGENERATE_DOCS") == "1")
        {
            region = CheckpointDocumentExample.Render(CheckpointDocumentExample.FreshNote());
            File.WriteAllText(DocumentPath, document[..start] + region + document[(end + CheckpointDocumentExample.EndMarker.Length)..]);
        }

        var note = SignedNote.Parse(CheckpointDocumentExample.NoteIn(region));
        var verification = CheckpointVerifier.Verify(note, CheckpointDocumentExample.Trust);
        Assert.That(verification.IsValid, Is.True, verification.Problem);
        Assert.That(verification.SigningNodes, Is.EqualTo(new[] { "node-1", "node-2" }));
        Assert.That(verification.Witnesses.Single().TimestampUnixSeconds, Is.EqualTo(CheckpointDocumentExample.CosignatureTimestampSeconds));
        Assert.That(region, Is.EqualTo(CheckpointDocumentExample.Render(note)));
    }
}
