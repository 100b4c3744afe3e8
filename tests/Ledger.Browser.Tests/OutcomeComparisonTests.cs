using System.Text.Json.Nodes;
using Ledger.Browser.Tests.Matrix;
using Ledger.Core.Crypto;

namespace Ledger.Browser.Tests;

/// <summary>The cross-check's comparison catches each way another verifier can disagree (so the browser test can fail).</summary>
public sealed class OutcomeComparisonTests
{
    private static MatrixCase Case(string name) => CrossCheckMatrix.Of(CryptoSuites.Ed25519Name).Single(c => c.Name == $"{CryptoSuites.Ed25519Name}/{name}");

    private static JsonObject Agreeing(MatrixCase matrixCase) => new()
    {
        ["malformed"] = matrixCase.Expected.Malformed,
        ["report"] = matrixCase.Expected.ReportJson?.DeepClone(),
        ["text"] = matrixCase.Expected.Text,
        ["error"] = null,
    };

    [Test]
    public void Differences_SameOutcome_None()
    {
        var valid = Case("valid");

        Assert.That(OutcomeComparison.Differences(valid.Expected, Agreeing(valid)), Is.Empty);
    }

    [Test]
    public void Differences_OtherVerdict_Reported()
    {
        var valid = Case("valid");
        var actual = Agreeing(valid);
        actual["report"]!["verdict"] = "invalid";

        Assert.That(OutcomeComparison.Differences(valid.Expected, actual), Has.Some.StartsWith("verdict"));
    }

    [Test]
    public void Differences_OtherFirstFailingCheck_Reported()
    {
        var wrongGenesis = Case("wrong-genesis");
        var actual = Agreeing(wrongGenesis);
        actual["report"]!["checks"]![0]!["status"] = "passed";

        Assert.That(OutcomeComparison.Differences(wrongGenesis.Expected, actual), Has.Some.StartsWith("first failing check"));
    }

    [Test]
    public void Differences_OneWordOfTheTextChanged_Reported()
    {
        var valid = Case("valid");
        var actual = Agreeing(valid);
        actual["text"] = valid.Expected.Text!.Replace("Consortium:", "Consortium :", StringComparison.Ordinal);

        Assert.That(OutcomeComparison.Differences(valid.Expected, actual), Has.Some.StartsWith("text"));
    }

    [Test]
    public void Differences_MalformedOnOneSideOnly_Reported()
    {
        var notJson = Case("malformed/not-json");
        var actual = new JsonObject { ["malformed"] = null, ["report"] = Agreeing(Case("valid"))["report"]!.DeepClone(), ["text"] = "", ["error"] = null };

        Assert.That(OutcomeComparison.Differences(notJson.Expected, actual), Has.Some.StartsWith("malformed"));
    }

    [Test]
    public void Differences_VerifierThrew_Reported()
    {
        Assert.That(OutcomeComparison.Differences(Case("valid").Expected, new JsonObject { ["thrown"] = "TypeError: x" }), Has.Some.Contains("threw"));
    }
}
