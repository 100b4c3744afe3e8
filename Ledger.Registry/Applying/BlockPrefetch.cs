using Google.Protobuf;
using Ledger.Core.Protocol;
using Ledger.Registry.Model;
using Ledger.Registry.State;

namespace Ledger.Registry.Applying;

/// <summary>
/// Fetches the stored keys a block is known to read in one call before its first transaction,
/// when the state can (<see cref="IMultiGetStateReader"/>; RocksDB: one batched MultiGet instead
/// of three point reads per RegisterWork, each ~1.3 µs of fixed cost): every transaction's nonce
/// and, for RegisterWork, its SHA-256 content-hash entry and its work key (which the state-root
/// fold reads for the old value). The RegisterWork bodies parsed for this are handed to the
/// dispatch, so nothing is parsed twice. Only a cache fill: a key not fetched here is read when
/// needed, and a fetched key gives the answer its point read would.
/// </summary>
internal static class BlockPrefetch
{
    private const int KeysPerTransactionMax = 3;

    /// <returns>Per transaction, its parsed body when parsed here, else null; null when nothing was prefetched.</returns>
    public static IMessage?[]? Run(WriteBuffer block, IReadOnlyList<RegistryTransaction> transactions)
    {
        if (!block.CanPrefetch)
        {
            return null;
        }

        var bodies = new IMessage?[transactions.Count];
        var keys = new List<StateKey>(transactions.Count * KeysPerTransactionMax);
        for (var i = 0; i < transactions.Count; i++)
        {
            var envelope = transactions[i].Envelope;
            // The applier's own order of checks decides what a malformed transaction gets; here
            // it only matters that nothing is fetched for it.
            if (envelope.SignerKeyId.IsEmpty || envelope.SignerKeyId.Length > RegistryLimits.KeyIdBytesMax)
            {
                continue;
            }

            keys.Add(StateKeys.Nonce(envelope.SignerKeyId.Span, envelope.Nonce));
            if (envelope.Type != TransactionType.RegisterWork || envelope.Body.Length > RegistryLimits.TransactionBodyBytesMax)
            {
                continue;
            }

            var body = BodyParser.TryParse(RegisterWork.Parser, envelope.Body);
            bodies[i] = body;
            if (body?.ContentHash is { } hash)
            {
                if (hash.Sha256.Length == RegistryLimits.HashBytes)
                {
                    keys.Add(StateKeys.ContentHash(ContentHashAlgorithm.Sha256, hash.Sha256.Span));
                }

                if (hash.Sm3.Length == RegistryLimits.HashBytes)
                {
                    keys.Add(StateKeys.ContentHash(ContentHashAlgorithm.Sm3, hash.Sm3.Span));
                }
            }

            keys.Add(StateKeys.Work(WorkIds.Create(transactions[i].TxHash, 0)));
        }

        block.Prefetch(keys);
        return bodies;
    }
}
