using System.Reflection;
using Ledger.Consensus;
using Ledger.Core.Blocks;
using Ledger.Registry;
using Ledger.Storage.Blocks;
using Microsoft.Extensions.Logging;

namespace Ledger.Node.Tests.Logging;

/// <summary>
/// A log event id names one message within its project, so an operator can alert on it and a reader can
/// find its source. Ranges in Ledger.Node: 1xxx Raft driving, 2xxx peers, 3xxx attestation, 4xxx
/// submission and governance, 5xxx snapshots, 6xxx hosting.
/// </summary>
public sealed class LogEventIdTests
{
    // Every project the node is built from; a project that starts logging is covered without a change here.
    private static IEnumerable<TestCaseData> Projects() =>
        new[] { typeof(LedgerNode), typeof(RaftNode), typeof(LogLeafIndex), typeof(RegistryApplier), typeof(BlockStore) }
            .Select(type => new TestCaseData(type.Assembly).SetArgDisplayNames(type.Assembly.GetName().Name!));

    [TestCaseSource(nameof(Projects))]
    public void LoggerMessages_InOneProject_HaveDistinctEventIds(Assembly project)
    {
        var messages = LoggerMessagesOf(project);

        var shared = messages
            .GroupBy(message => message.Attribute.EventId)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(message => message.Name))}")
            .ToList();
        Assert.That(shared, Is.Empty, "event ids used by more than one log message");
    }

    [TestCaseSource(nameof(Projects))]
    public void LoggerMessages_InOneProject_EachStateAnEventId(Assembly project)
    {
        var messages = LoggerMessagesOf(project);

        var unnumbered = messages.Where(message => message.Attribute.EventId <= 0).Select(message => message.Name).ToList();
        Assert.That(unnumbered, Is.Empty, "log messages without a stable event id");
    }

    [Test]
    public void LoggerMessagesOf_LedgerNode_FindsItsMessages()
    {
        // Guards the two tests above against passing on an empty scan.
        Assert.That(LoggerMessagesOf(typeof(LedgerNode).Assembly), Has.Count.GreaterThan(10));
    }

    private static List<(string Name, LoggerMessageAttribute Attribute)> LoggerMessagesOf(Assembly project)
    {
        const BindingFlags everyMethod = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        return [.. project.GetTypes()
            .SelectMany(type => type.GetMethods(everyMethod))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(found => found.Attribute is not null)
            .Select(found => ($"{found.Method.DeclaringType!.Name}.{found.Method.Name}", found.Attribute!))];
    }
}
