using Ledger.Node.Configuration;

namespace Ledger.Node.Hosting;

/// <summary>
/// Applies <c>Node:Memory:GcHeapHardLimitBytes</c> to the process: the runtime's <c>GCHeapHardLimit</c> set
/// through <see cref="AppContext.SetData"/> and taken by <see cref="GC.RefreshMemoryLimit"/> (the GC reads its
/// limits again; with Server GC and DATAS too, checked on .NET 10). Process-wide, so only a node that owns its
/// process applies it (<see cref="NodeProgram.RunAsync"/>), never the several nodes of one test process.
/// </summary>
public static class GcHeapLimit
{
    /// <summary>The runtime configuration knob <see cref="GC.RefreshMemoryLimit"/> reads.</summary>
    public const string RuntimeSetting = "GCHeapHardLimit";

    /// <summary>
    /// Sets the limit (0: leaves the runtime's own) and checks that the GC reports it: the heap the GC will
    /// stay within, <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, afterwards.
    /// </summary>
    /// <returns>What the GC reports as available to the managed heap after the call.</returns>
    /// <exception cref="InvalidOperationException">The runtime did not take the limit (a node must not run believing it is bounded when it is not).</exception>
    public static long Apply(MemoryOptions memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (memory.GcHeapHardLimitBytes > 0)
        {
            AppContext.SetData(RuntimeSetting, (ulong)memory.GcHeapHardLimitBytes);
            GC.RefreshMemoryLimit();
            var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            if (available != memory.GcHeapHardLimitBytes)
            {
                throw new InvalidOperationException(
                    $"Node:Memory:GcHeapHardLimitBytes ({memory.GcHeapHardLimitBytes}) was not taken by the runtime: the GC reports {available} bytes available (is DOTNET_GCHeapHardLimit or a GCHeapHardLimitPercent set in the environment or runtimeconfig?)");
            }
        }

        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}
