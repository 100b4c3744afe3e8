namespace Ledger.Core.Blocks;

/// <summary>Each way a block header can be malformed or fail to extend its predecessor.</summary>
public enum BlockValidationError
{
    None = 0,

    // Shape of a single header.

    /// <summary>chain_id is empty, too long or not well-formed Unicode.</summary>
    ChainIdInvalid,

    /// <summary>proposer_node_id is too long or not well-formed Unicode.</summary>
    ProposerNodeIdInvalid,

    /// <summary>prev_block_hash is not empty at height 0, or not exactly the hash size above it.</summary>
    PrevBlockHashLengthInvalid,

    /// <summary>tx_root is not exactly the hash size.</summary>
    TxRootLengthInvalid,

    /// <summary>log_root is not exactly the hash size.</summary>
    LogRootLengthInvalid,

    /// <summary>state_root is neither empty nor exactly the hash size.</summary>
    StateRootLengthInvalid,

    /// <summary>log_size is smaller than the block's own tx_count (or differs from it at height 0).</summary>
    LogSizeLessThanTxCount,

    // Link between consecutive headers.

    /// <summary>next.chain_id differs from previous.chain_id.</summary>
    ChainIdMismatch,

    /// <summary>next.height is not previous.height + 1.</summary>
    HeightNotSuccessor,

    /// <summary>next.prev_block_hash is not the hash of the previous header.</summary>
    PrevBlockHashMismatch,

    /// <summary>next.log_size is smaller than previous.log_size: the log shrank.</summary>
    LogSizeDecreased,

    /// <summary>next.log_size is not previous.log_size + next.tx_count.</summary>
    LogSizeNotPreviousPlusTxCount,

    /// <summary>next.raft_term is smaller than previous.raft_term.</summary>
    RaftTermDecreased,

    /// <summary>next.raft_index is not greater than previous.raft_index (each block comes from a later Raft entry).</summary>
    RaftIndexNotIncreasing,
}
