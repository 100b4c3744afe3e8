namespace Ledger.Consensus;

/// <summary>What an <see cref="Entry"/>'s data means to the host's state machine.</summary>
public enum EntryType : byte
{
    /// <summary>Opaque application data (empty data is the leader's no-op entry).</summary>
    Normal = 0,

    /// <summary>An encoded <see cref="ConfChange"/>; the host applies it via <c>RaftNode.ApplyConfChange</c>.</summary>
    ConfChange = 1,
}
