namespace Ledger.Chaos.Faults;

/// <summary>Which nodes a power loss takes down together.</summary>
public enum PowerLossScope
{
    /// <summary>Every member at once: a datacenter power cut.</summary>
    All,

    /// <summary>The leader and just enough others for a majority (one rack's power): the rest keep running.</summary>
    Majority,
}
