using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Batches;
using Ledger.Registry.Bounds;
using Ledger.Registry.Model;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;

namespace Ledger.Registry.Applying;

/// <summary>Work records and their secondary indexes, kept in step.</summary>
internal static class Works
{
    /// <summary>
    /// The member who may transfer, license and revoke: the holder if it is a member, otherwise
    /// the steward acting for the external holder.
    /// </summary>
    public static string ControllerOf(WorkRecord work) =>
        work.RightsHolder.HolderCase == RightsHolder.HolderOneofCase.MemberId ? work.RightsHolder.MemberId : work.StewardMemberId;

    public static WorkRecord Require(TransactionContext context, ByteString workId, string field)
    {
        Check.Id(workId, WorkIds.WorkIdBytes, field);
        return Find(context.State, workId.Span)
            ?? throw Check.Fail(RejectionReason.WorkNotFound, $"{field} {Convert.ToHexString(workId.Span)} is not registered");
    }

    public static void RequireController(TransactionContext context, WorkRecord work, string action)
    {
        var controller = ControllerOf(work);
        if (!string.Equals(controller, context.SignerId, StringComparison.Ordinal))
        {
            throw Check.Fail(RejectionReason.NotAuthorized, $"only the work's controller {OutsideValue.Quote(controller)} may {action}; signer is {OutsideValue.Quote(context.SignerId)}");
        }
    }

    /// <summary>
    /// The work's record: the committed <see cref="KeySpace.Work"/> entry if it has one (every
    /// single registration, and a batch item once changed), else the batch item's rebuilt record.
    /// </summary>
    public static WorkRecord? Find(WriteBuffer state, ReadOnlySpan<byte> workId) =>
        state.Get(StateKeys.Work(workId), WorkRecord.Parser) ?? BatchItemRecords.Find(state.TryGet, workId);

    /// <summary>
    /// Stores a new work with its content-hash, owner and perceptual-hash index entries.
    /// <paramref name="workId"/> is the record's work id and <paramref name="sha256Key"/> /
    /// <paramref name="sm3Key"/> its content-hash index keys, as the caller already built them
    /// (each exactly when the record has that hash); none of the arrays may change later.
    /// </summary>
    public static void Add(WriteBuffer state, WorkRecord work, byte[] workId, StateKey? sha256Key, StateKey? sm3Key)
    {
        if (!work.WorkId.Span.SequenceEqual(workId))
        {
            throw new RegistryInvariantException("a new work's id disagrees with its record");
        }

        if (work.ContentHash.Sha256.IsEmpty != sha256Key is null || work.ContentHash.Sm3.IsEmpty != sm3Key is null)
        {
            throw new RegistryInvariantException("a new work's content-hash index keys disagree with its record's hashes");
        }

        state.Put(StateKeys.Work(workId), work);
        if (sha256Key is { } sha256)
        {
            state.Put(sha256, workId);
        }

        if (sm3Key is { } sm3)
        {
            state.Put(sm3, workId);
        }

        state.PutMarker(StateKeys.Owner(work.RightsHolder, workId));
        if (work.HasPerceptualHash)
        {
            state.PutMarker(PerceptualHashIndex.EntryKey(work.PerceptualHash, workId));
        }
    }

    public static void ChangeHolder(WriteBuffer state, WorkRecord work, RightsHolder newHolder, string stewardMemberId)
    {
        var workId = work.WorkId.ToByteArray();
        state.Delete(StateKeys.Owner(work.RightsHolder, workId));
        work.RegisteredHolder ??= work.RightsHolder.Clone();
        work.RightsHolder = newHolder.Clone();
        work.StewardMemberId = newHolder.HolderCase == RightsHolder.HolderOneofCase.MemberId ? "" : stewardMemberId;
        state.Put(StateKeys.Work(workId), work);
        state.PutMarker(StateKeys.Owner(work.RightsHolder, workId));
    }

    /// <summary>Appends to the work's history. One transaction adds at most one event per work.</summary>
    public static void AddEvent(TransactionContext context, ByteString workId, WorkEventKind kind, ByteString? subjectId = null, RightsHolder? newHolder = null, RightsHolder? previousHolder = null)
    {
        var workEvent = new WorkEvent
        {
            Kind = kind,
            At = context.Here,
            TxHash = ByteString.CopyFrom(context.TxHash),
            ActorMemberId = context.SignerId,
            SubjectId = subjectId ?? ByteString.Empty,
        };
        if (newHolder is not null)
        {
            workEvent.NewHolder = newHolder.Clone();
        }

        if (previousHolder is not null)
        {
            workEvent.PreviousHolder = previousHolder.Clone();
        }

        context.State.Put(StateKeys.History(workId.Span, context.Here), workEvent);
    }
}
