using Ledger.Chaos.Checking.Evidence;
using Ledger.Chaos.History;
using Ledger.Core.Evidence;

namespace Ledger.Chaos.Tests.Checking;

/// <summary>Bundles exported during the run must still verify VALID against the consortium's genesis at the end.</summary>
public sealed class EvidenceRecheckerTests
{
    private string runDirectory = null!;
    private ChainFixture chain = null!;

    [SetUp]
    public void CreateRunDirectoryAndChain()
    {
        runDirectory = Directory.CreateTempSubdirectory("chaos-evidence-").FullName;
        chain = new ChainFixture();
        chain.Append(chain.Registration("w0"), chain.Registration("w1"));
    }

    [TearDown]
    public void RemoveRunDirectory() => Directory.Delete(runDirectory, recursive: true);

    [Test]
    public void Check_BundleExportedDuringRun_VerifiesValid()
    {
        var history = Export("evidence/w1.json", EvidenceBundleJson.Write(chain.Bundle(1, 1)));

        var report = EvidenceRechecker.Check(history, chain.GenesisBytes, runDirectory);

        Assert.That((report.Checked, report.Failures), Is.EqualTo((1L, 0L)));
    }

    [Test]
    public void Check_BundleNamingTheWrongPosition_IsAFailure()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(EvidenceBundleJson.Write(chain.Bundle(1, 1)))!;
        json["position"] = 0;
        var history = Export("evidence/w1.json", System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()));

        var report = EvidenceRechecker.Check(history, chain.GenesisBytes, runDirectory);

        Assert.That(report.Failures, Is.EqualTo(1));
        Assert.That(report.Violations.Single().Summary, Does.Contain("INVALID"));
    }

    [Test]
    public void Check_BundleProvingARejection_IsAFailure()
    {
        // The bundle is sound, but it proves the ledger refused the transaction: not evidence of a registration.
        chain.Append([(chain.Registration("w2"), new Ledger.Core.Protocol.TransactionResult { Code = Ledger.Core.Protocol.ResultCode.Rejected, Reason = "InvalidTitle: planted" })]);
        var history = Export("evidence/w2.json", EvidenceBundleJson.Write(chain.Bundle(2, 0)));

        var report = EvidenceRechecker.Check(history, chain.GenesisBytes, runDirectory);

        Assert.That(report.Failures, Is.EqualTo(1));
        Assert.That(report.Violations.Single().Summary, Does.Contain("verdict REJECTED"));
    }

    [Test]
    public void Check_BundleOfAnotherConsortium_IsAFailure()
    {
        var other = new ChainFixture();
        other.Append(other.Registration("w0"));
        var history = Export("evidence/other.json", EvidenceBundleJson.Write(other.Bundle(1, 0)));

        var report = EvidenceRechecker.Check(history, chain.GenesisBytes, runDirectory);

        Assert.That(report.Failures, Is.EqualTo(1));
    }

    [Test]
    public void Check_BundleFileGone_IsAFailure()
    {
        var history = Export("evidence/w1.json", EvidenceBundleJson.Write(chain.Bundle(1, 1)));
        File.Delete(Path.Combine(runDirectory, "evidence/w1.json"));

        var report = EvidenceRechecker.Check(history, chain.GenesisBytes, runDirectory);

        Assert.That(report.Failures, Is.EqualTo(1));
        Assert.That(report.Violations.Single().Summary, Does.Contain("FileNotFound").Or.Contain("DirectoryNotFound"));
    }

    private List<Operation> Export(string relativePath, byte[] bytes)
    {
        var path = Path.Combine(runDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return
        [
            new Operation
            {
                Id = 0,
                ClientId = 0,
                Kind = OperationKind.ExportEvidence,
                WorkKey = ChainFixture.WorkOf("w1"),
                NodeId = "node-1",
                InvokedAt = 0,
                CompletedAt = 10,
                Outcome = OutcomeKind.Ok,
                EvidencePath = relativePath,
            },
        ];
    }
}
