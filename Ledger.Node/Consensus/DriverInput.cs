using Ledger.Consensus;

namespace Ledger.Node.Consensus;

internal enum DriverInputKind : byte
{
    Message,
    PeerMessage,
    Proposal,
    ConfChange,
    Read,
    Transfer,
    Campaign,
    Inspect,
    SnapshotStatus,
}

/// <summary>One unit of work for the drive loop; a struct so queuing a peer message allocates nothing extra.</summary>
internal readonly struct DriverInput
{
    private DriverInput(
        DriverInputKind kind,
        Message? message = null,
        ReadOnlyMemory<byte> data = default,
        ConfChange confChange = default,
        TaskCompletionSource<ProposalDropReason?>? proposalCompletion = null,
        TaskCompletionSource<ulong>? readCompletion = null,
        ulong target = 0,
        TaskCompletionSource<RaftStatus>? inspectCompletion = null,
        SnapshotStatus snapshotStatus = default,
        ProposalTicket? ticket = null)
    {
        Ticket = ticket;
        Kind = kind;
        Message = message;
        Data = data;
        ConfChange = confChange;
        ProposalCompletion = proposalCompletion;
        ReadCompletion = readCompletion;
        Target = target;
        InspectCompletion = inspectCompletion;
        SnapshotStatus = snapshotStatus;
    }

    public DriverInputKind Kind { get; }

    public Message? Message { get; }

    public ReadOnlyMemory<byte> Data { get; }

    public ConfChange ConfChange { get; }

    public TaskCompletionSource<ProposalDropReason?>? ProposalCompletion { get; }

    public TaskCompletionSource<ulong>? ReadCompletion { get; }

    public ulong Target { get; }

    public TaskCompletionSource<RaftStatus>? InspectCompletion { get; }
    public SnapshotStatus SnapshotStatus { get; }

    /// <summary>Set for tracked proposals: only a leader appends them, and the ticket records where.</summary>
    public ProposalTicket? Ticket { get; }

    public static DriverInput ForMessage(Message message) => new(DriverInputKind.Message, message: message);

    public static DriverInput ForPeerMessage(Message message) => new(DriverInputKind.PeerMessage, message: message);

    public static DriverInput ForProposal(ReadOnlyMemory<byte> data, TaskCompletionSource<ProposalDropReason?> completion) =>
        new(DriverInputKind.Proposal, data: data, proposalCompletion: completion);

    public static DriverInput ForTrackedProposal(ReadOnlyMemory<byte> data, ProposalTicket ticket, TaskCompletionSource<ProposalDropReason?> completion) =>
        new(DriverInputKind.Proposal, data: data, proposalCompletion: completion, ticket: ticket);

    public static DriverInput ForConfChange(ConfChange change, TaskCompletionSource<ProposalDropReason?> completion) =>
        new(DriverInputKind.ConfChange, confChange: change, proposalCompletion: completion);

    public static DriverInput ForRead(TaskCompletionSource<ulong> completion) => new(DriverInputKind.Read, readCompletion: completion);

    public static DriverInput ForTransfer(ulong target) => new(DriverInputKind.Transfer, target: target);

    public static DriverInput ForCampaign() => new(DriverInputKind.Campaign);

    public static DriverInput ForInspect(TaskCompletionSource<RaftStatus> completion) => new(DriverInputKind.Inspect, inspectCompletion: completion);
    public static DriverInput ForSnapshotStatus(ulong peer, SnapshotStatus status) => new(DriverInputKind.SnapshotStatus, target: peer, snapshotStatus: status);
}
