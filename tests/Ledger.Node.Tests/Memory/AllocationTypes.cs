using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Ledger.Node.Tests.Memory;

/// <summary>The runtime's sampled allocation events (one per ~100 KB allocated), summed by type and heap: where batch bytes go.</summary>
internal sealed class AllocationTypes : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    public ConcurrentDictionary<string, long> BytesByType { get; } = new();

    public bool Recording { get; set; }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var names = eventData.PayloadNames!;
        var kind = names.IndexOf("AllocationKind") is var k and >= 0 ? Convert.ToInt32(eventData.Payload[k], System.Globalization.CultureInfo.InvariantCulture) : -1;
        var type = names.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 0;
        BytesByType.AddOrUpdate($"{(kind == 1 ? "LOH" : kind == 2 ? "POH" : "SOH")} {type}", amount, (_, v) => v + amount);
    }
}
