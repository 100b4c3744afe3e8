using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using Ledger.Consensus;
using Ledger.Core.Crypto;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;
using Ledger.Node.Applying;
using Ledger.Node.Chain;
using Ledger.Registry.Signatures;
using Ledger.Registry.State;
using Ledger.Storage.Blocks;
using Prometheus;

namespace Ledger.Node.Verification;

/// <summary>
/// Checks the signatures of entries while the drive loop persists them, on every core, so that a
/// follower's apply finds its verdicts ready (the rules require every node to check every
/// signature; see <see cref="SignatureVerdicts"/>). The drive loop only hands entries over
/// (<see cref="Submit"/>, a few allocations per entry); one worker reads the batches and verifies
/// their transactions in parallel. Each signer's public key is read from the registry state as it
/// is now: a key id names one public key, and the rules use a verdict only for the key they find at
/// the entry's height, so an earlier read cannot give a wrong answer, only an unused one.
/// <para>
/// Bounded by <see cref="SignatureVerdicts.PreverifyJobsMax"/> entries and
/// <see cref="QueueBytesMax"/> bytes waiting; an entry that does not fit is not pre-verified (its
/// apply checks inline) and the drive loop never waits. Transactions the door already judged are
/// skipped.
/// </para>
/// </summary>
public sealed class EntryPreverifier : IDisposable
{
    /// <summary>Entry bytes waiting for the worker, at most.</summary>
    public const long QueueBytesMax = 64L * 1024 * 1024;

    /// <summary>Decoded public keys kept; beyond this the cache is emptied.</summary>
    public const int DecodedKeysMax = 65_536;

    // Below this many transactions an entry is checked on the worker alone: forking costs more.
    private const int ParallelTransactionsMin = 8;

    private readonly ChainContext chain;
    private readonly IRegistryStateReader state;
    private readonly SignatureVerdicts verdicts;
    private readonly Counter.Child checks;
    private readonly Channel<PreverifyJob> queue;
    private readonly ConcurrentDictionary<ByteString, (PublicKey Key, byte[] Encoded)> decodedKeys = new();
    private readonly CancellationTokenSource stopping = new();
    private readonly Task worker;
    private long queuedBytes;
    private long entriesDone;

    public EntryPreverifier(ChainContext chain, IRegistryStateReader state, SignatureVerdicts verdicts, Counter.Child checks)
    {
        this.chain = chain;
        this.state = state;
        this.verdicts = verdicts;
        this.checks = checks;
        queue = Channel.CreateBounded<PreverifyJob>(new BoundedChannelOptions(SignatureVerdicts.PreverifyJobsMax)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        worker = Task.Run(RunAsync);
    }

    /// <summary>Entries checked (or given up on) so far; for tests and diagnostics.</summary>
    public long EntriesDone => Interlocked.Read(ref entriesDone);

    /// <summary>Hands entries about to be persisted over for checking; never blocks. Called on the drive loop.</summary>
    public void Submit(EntrySlice entries)
    {
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Type != EntryType.Normal || entry.Data.IsEmpty)
            {
                continue;
            }

            if (Interlocked.Read(ref queuedBytes) + entry.Data.Length > QueueBytesMax)
            {
                return;
            }

            var job = new PreverifyJob(entry.Index, entry.Term, entry.Data);
            if (!verdicts.TryRegister(job))
            {
                return;
            }

            if (!queue.Writer.TryWrite(job))
            {
                verdicts.Unregister(job);
                job.Abandon();
                return;
            }

            Interlocked.Add(ref queuedBytes, entry.Data.Length);
        }
    }

    public void Dispose()
    {
        queue.Writer.TryComplete();
        stopping.Cancel();
        try
        {
            worker.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancelled; the jobs left are abandoned below.
        }

        while (queue.Reader.TryRead(out var job))
        {
            job.Abandon();
        }

        stopping.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    job.Complete(Check(job.Data));
                }
                catch (Exception)
                {
                    // Never a reason to stop (a store being closed, a cancelled fork): apply checks
                    // whatever has no verdict. Done either way, so an apply waiting for it wakes.
                }
                finally
                {
                    job.Abandon();
                    Interlocked.Add(ref queuedBytes, -job.Data.Length);
                    Interlocked.Increment(ref entriesDone);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private Dictionary<byte[], SignatureVerdict> Check(ReadOnlyMemory<byte> data)
    {
        var found = new Dictionary<byte[], SignatureVerdict>(ByteArrayComparer.Instance);
        EntryBatch batch;
        try
        {
            batch = EntryBatchCodec.ParseBatch(data);
        }
        catch (InvalidProtocolBufferException)
        {
            return found;
        }

        var results = new (byte[] Hash, SignatureVerdict Verdict)?[batch.Transactions.Count];
        if (results.Length < ParallelTransactionsMin)
        {
            for (var i = 0; i < results.Length; i++)
            {
                results[i] = CheckOne(batch.Transactions[i]);
            }
        }
        else
        {
            Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stopping.Token }, i => results[i] = CheckOne(batch.Transactions[i]));
        }

        foreach (var result in results)
        {
            if (result is { } verdict)
            {
                found[verdict.Hash] = verdict.Verdict;
            }
        }

        return found;
    }

    /// <summary>The verdict on one transaction, or null when there is nothing to check ahead (undecodable, door-checked, unknown key).</summary>
    private (byte[] Hash, SignatureVerdict Verdict)? CheckOne(ByteString bytes)
    {
        // Hash first: on the leader nearly every transaction has its door's verdict, and parsing it
        // would be wasted. (Bytes that are not canonical hash to something no door admitted; nor do
        // a batch's, whose hash leaves its detached items out: it is hashed again once parsed.)
        var hash = new byte[chain.Hash.HashSizeBytes];
        TransactionHashing.ComputeHash(chain.Hash, bytes.Span, hash);
        if (verdicts.HasDoorVerdict(hash))
        {
            return null;
        }

        SignedTransaction signed;
        TransactionEnvelope envelope;
        try
        {
            signed = EntryBatchCodec.ParseTransaction(bytes);
            if (!EntryBatchCodec.IsCanonical(bytes, signed))
            {
                return null;
            }

            envelope = TransactionEnvelope.Parser.ParseFrom(signed.Envelope);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        if (!signed.DetachedItems.IsEmpty)
        {
            TransactionHashing.ComputeHashOfCanonical(chain.Hash, bytes.Span, signed, hash);
            if (verdicts.HasDoorVerdict(hash))
            {
                return null;
            }
        }

        if (PublicKeyOf(envelope.SignerKeyId) is not { } publicKey)
        {
            return null;
        }

        checks.Inc();
        var valid = TransactionSigning.Verify(publicKey.Key, signed.Envelope.Span, signed.Signature.Span, chain.ChainId);
        return (hash, new SignatureVerdict(chain.ChainId, publicKey.Encoded, valid));
    }

    private (PublicKey Key, byte[] Encoded)? PublicKeyOf(ByteString keyId)
    {
        if (keyId.IsEmpty || keyId.Length > Registry.Applying.RegistryLimits.KeyIdBytesMax)
        {
            return null;
        }

        if (decodedKeys.TryGetValue(keyId, out var cached))
        {
            return cached;
        }

        if (!state.TryGet(StateKeys.Key(keyId.Span), out var recordBytes))
        {
            return null;
        }

        KeyRecord record;
        try
        {
            record = KeyRecord.Parser.ParseFrom(recordBytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        if (!CryptoSuites.TryGet(record.Suite, out var suite) || !suite.TryDecodePublicKey(record.PublicKey.Span, out var decoded))
        {
            return null;
        }

        if (decodedKeys.Count >= DecodedKeysMax)
        {
            decodedKeys.Clear();
        }

        var entry = (decoded, decoded.ToArray());
        decodedKeys[keyId] = entry;
        return entry;
    }
}
