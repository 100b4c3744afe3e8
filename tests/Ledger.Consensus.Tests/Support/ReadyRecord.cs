namespace Ledger.Consensus.Tests.Support;

/// <summary>
/// What a <see cref="Ready"/> carried, copied before Advance (a Ready's lists and entry windows are valid only
/// until then), so tests can inspect the history of Readies afterwards.
/// </summary>
internal sealed record ReadyRecord(
    SoftState? SoftState,
    HardState? HardState,
    IReadOnlyList<Entry> Entries,
    Snapshot? Snapshot,
    IReadOnlyList<Entry> CommittedEntries,
    IReadOnlyList<Message> MessagesBeforePersist,
    IReadOnlyList<Message> MessagesAfterPersist,
    IReadOnlyList<ReadState> ReadStates,
    bool MustSync)
{
    /// <summary>Every message of the Ready, early ones first.</summary>
    public IReadOnlyList<Message> Messages => [.. MessagesBeforePersist, .. MessagesAfterPersist];

    public static ReadyRecord Of(Ready ready) => new(
        ready.SoftState,
        ready.HardState,
        ready.Entries.ToArray(),
        ready.Snapshot,
        ready.CommittedEntries.ToArray(),
        Detached(ready.MessagesBeforePersist),
        Detached(ready.MessagesAfterPersist),
        [.. ready.ReadStates],
        ready.MustSync);

    private static List<Message> Detached(IReadOnlyList<Message> messages)
    {
        var copies = new List<Message>(messages.Count);
        foreach (var message in messages)
        {
            copies.Add(message.Detach());
        }

        return copies;
    }
}
