using Ledger.Core.Protocol;
using Ledger.Registry.State;

namespace Ledger.Registry.Applying;

/// <summary>Everything a transaction handler sees: the block, its own position, its write layer, its signer.</summary>
internal sealed class TransactionContext
{
    public required BlockContext Block { get; init; }

    public required uint Position { get; init; }

    public required byte[] TxHash { get; init; }

    public required WriteBuffer State { get; init; }

    public required RegistryOptions Options { get; init; }

    public required MemberRecord Signer { get; init; }

    public required KeyRecord SignerKey { get; init; }

    public required List<RegistryEffect> Effects { get; init; }

    public string SignerId => Signer.MemberId;

    /// <summary>Where this transaction sits in the chain.</summary>
    public ChainPosition Here => new() { Height = Block.Height, Index = Position };

    /// <summary>
    /// The first position after this transaction: where a key or role change made here starts to
    /// count, so the transaction that makes the change is itself judged by the state before it.
    /// </summary>
    public ChainPosition AfterHere => new() { Height = Block.Height, Index = Position + 1 };

    public GovernanceRecord Governance =>
        State.Get(StateKeys.Governance(), GovernanceRecord.Parser)
        ?? throw new RegistryInvariantException("governance record missing: state was not initialized from a genesis");

    /// <summary>The consortium's suite, from a governance record shared across the block (read only).</summary>
    public string Suite =>
        (State.GetShared(StateKeys.Governance(), GovernanceRecord.Parser)
        ?? throw new RegistryInvariantException("governance record missing: state was not initialized from a genesis")).Suite;

    /// <summary>The member's record, parsed afresh: the caller may change it and put it back.</summary>
    public MemberRecord? Member(string memberId) => State.Get(StateKeys.Member(memberId), MemberRecord.Parser);

    /// <summary>
    /// The member's record for reading only, parsed once per block while its bytes are unchanged
    /// (a governance change earlier in the block stores new bytes, so it is seen): every
    /// RegisterWork checks its holder, usually the same member. Never mutate the result.
    /// </summary>
    public MemberRecord? MemberReadOnly(string memberId) => State.GetShared(StateKeys.Member(memberId), MemberRecord.Parser);
}
