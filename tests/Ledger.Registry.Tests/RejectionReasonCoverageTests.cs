using System.Reflection;
using Ledger.Registry.Applying;

namespace Ledger.Registry.Tests;

public sealed class RejectionReasonCoverageTests
{
    // Spec-given test names that say the reason in other words.
    private static readonly Dictionary<RejectionReason, string> Aliases = new()
    {
        [RejectionReason.KeyRevoked] = "RevokedKey_IsRejectedFromChangeHeight_ButEarlierTransactionsStayValid",
        [RejectionReason.DuplicateContentHash] = "RegisterWork_SameContentHashTwice_SecondIsRejectedWithReferenceToFirst",
    };

    // Values kept for old chains (values are stable) but no longer recorded: a batch's items that are
    // not under its signed root are MalformedTransaction since the items travel detached.
    private static readonly HashSet<RejectionReason> Retired = [RejectionReason.BatchRootMismatch];

    [Test]
    public void EveryRejectionReason_HasATestNamedAfterIt()
    {
        var testNames = typeof(RejectionReasonCoverageTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance))
            .Where(m => m.GetCustomAttributes().Any(a => a is TestAttribute or TestCaseAttribute))
            .Select(m => m.Name)
            .ToList();

        var uncovered = Enum.GetValues<RejectionReason>()
            .Where(r => r != RejectionReason.None && !Retired.Contains(r))
            .Where(r => !testNames.Any(n => n.EndsWith(r.ToString(), StringComparison.Ordinal) || n.Contains($"_{r}_", StringComparison.Ordinal)))
            .Where(r => !(Aliases.TryGetValue(r, out var alias) && testNames.Contains(alias)))
            .ToList();

        Assert.That(uncovered, Is.Empty);
    }
}
