using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Ledger.Cli.Batches;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Batches;
using Ledger.Client.Signing;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Fuzz.Batches;

/// <summary>
/// The files <c>ledger batch-register</c> reads when it resumes (run.json, state.json, batch-NNNNNN.jsonl,
/// journal/batch-NNNNNN.entry), damaged and tampered with, then resumed. The journal under test is a real
/// one: a run that acknowledged some batches, then lost the acknowledgement of a batch the ledger did
/// commit, and stopped with that batch and the next journaled. Properties: the resume either completes —
/// every manifest batch committed exactly once and the state counting them all — or refuses with the CLI's
/// own bounded error (<see cref="CliException"/> or <see cref="ManifestFormatException"/>, one line); it never
/// throws anything else, never submits anything but one of the manifest's batches exactly as signed by the
/// run's key, never commits a batch twice, and reads no file past its bound.
/// </summary>
public sealed class JournalFuzz : IDisposable
{
    public const int BatchSize = 3;
    public const int Batches = 7;
    public const int InFlight = 2;

    /// <summary>Bytes a resume may allocate: a journal entry at its bound (12 MiB of items, held a few times) and the run's batches.</summary>
    public const long ResumeAllocationBytesMax = 96L * 1024 * 1024;

    /// <summary>A file grown to this size (sparse) must be refused before it is read.</summary>
    public const long OversizedFileBytes = 256L * 1024 * 1024;

    private const int OutageBatch = 3;
    private const string ChainId = "fuzz-chain";
    private const string Holder = "platform-1";
    private static readonly IHashAlgorithm Hash = Sha256HashAlgorithm.Instance;

    private readonly string root;
    private readonly string manifest;
    private readonly TransactionBuilder signer;
    private readonly Dictionary<string, byte[]> journalFiles;
    private readonly RecordingLedger ledgerAfterOutage;
    private readonly IReadOnlyList<SignedTransaction> otherSignedBatches;

    /// <param name="seed">The run's key, nonces and clock come from it, so the journal (and every case damaging it) is the same in every process.</param>
    public JournalFuzz(long seed)
    {
        root = Directory.CreateTempSubdirectory("ledger-fuzz-journal-").FullName;
        manifest = Path.Combine(root, "manifest.csv");
        var lines = Enumerable.Range(0, Batches * BatchSize).Select(i => $"item-{i},{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))}");
        File.WriteAllText(manifest, "item_id,content_sha256_hex\n" + string.Join('\n', lines) + "\n");
        var key = CryptoSuites.Ed25519.ImportPrivateKey(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(seed)));
        var nonces = new Random(unchecked((int)seed ^ 0x5eed));
        signer = new TransactionBuilder(key, ChainId, new FixedClock(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero)), () => (ulong)nonces.NextInt64(1, long.MaxValue));

        var batches = new List<(string, ByteString)>();
        var others = new List<SignedTransaction>();
        using (var reader = CsvManifestReader.Open(manifest))
        {
            var items = new List<BatchItem>();
            while (reader.ReadBatch(items, BatchSize, skip: false) > 0)
            {
                var built = BatchRegistration.Build(items, MediaType.ProductListing, new RightsHolder { MemberId = Holder }, Hash);
                batches.Add((Convert.ToHexStringLower(built.Body.MerkleRoot.Span), built.Items.ToByteString()));
                others.Add(signer.BatchRegister(built));
                items.Clear();
            }
        }

        otherSignedBatches = others;
        var ledger = new RecordingLedger(batches, key.Public, ChainId, Hash) { OutageFromBatch = OutageBatch };
        var journalDirectory = Path.Combine(root, "baseline");
        try
        {
            using var reader = CsvManifestReader.Open(manifest);
            NewRun(journalDirectory, ledger, reader).RunAsync(CancellationToken.None).GetAwaiter().GetResult();
            throw new InvalidOperationException("the baseline run was meant to stop at the outage");
        }
        catch (IOException)
        {
            // Expected: the acknowledgement of the outage batch was lost.
        }

        journalFiles = Directory.EnumerateFiles(journalDirectory, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(journalDirectory, path), File.ReadAllBytes);
        ledgerAfterOutage = ledger;
        if (ledger.Violations.Count > 0 || !journalFiles.ContainsKey(EntryName(OutageBatch)))
        {
            throw new InvalidOperationException($"baseline journal is not as intended: {string.Join(", ", journalFiles.Keys)}; {string.Join("; ", ledger.Violations)}");
        }
    }

    /// <summary>The journal files of the baseline run, by path relative to its directory.</summary>
    public IReadOnlyCollection<string> Files => journalFiles.Keys;

    public FuzzOutcome Check(Random random, int index)
    {
        ArgumentNullException.ThrowIfNull(random);
        var directory = Path.Combine(root, "case-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (relative, bytes) in journalFiles)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(directory, relative))!);
            File.WriteAllBytes(Path.Combine(directory, relative), bytes);
        }

        try
        {
            var what = Damage(directory, random);
            return Resume(directory, what);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The undamaged journal resumes and completes: the fuzzer's oracle holds on the honest path.</summary>
    public FuzzOutcome CheckUndamaged()
    {
        var directory = Path.Combine(root, "case-undamaged");
        foreach (var (relative, bytes) in journalFiles)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(directory, relative))!);
            File.WriteAllBytes(Path.Combine(directory, relative), bytes);
        }

        try
        {
            return Resume(directory, "none");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    private FuzzOutcome Resume(string directory, string what)
    {
        var ledger = ledgerAfterOutage.Copy();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        BatchRunSummary? summary = null;
        string? refusal = null;
        try
        {
            using var reader = CsvManifestReader.Open(manifest);
            var run = NewRun(directory, ledger, reader);
            var running = run.RunAsync(CancellationToken.None);
            if (!running.Wait(TimeSpan.FromSeconds(60)))
            {
                return FuzzOutcome.Finding($"[{what}] the resume did not finish in 60 s");
            }

            summary = running.Result;
        }
        catch (Exception exception) when (Unwrap(exception) is CliException or ManifestFormatException)
        {
            refusal = Unwrap(exception).Message;
        }
        catch (Exception exception)
        {
            var inner = Unwrap(exception);
            return FuzzOutcome.Finding($"[{what}] resume threw {inner.GetType().Name}: {inner.Message}");
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (allocated > ResumeAllocationBytesMax)
        {
            return FuzzOutcome.Finding($"[{what}] resume allocated {allocated} bytes");
        }

        if (ledger.Violations.Count > 0)
        {
            return FuzzOutcome.Finding($"[{what}] {string.Join("; ", ledger.Violations)}" + (refusal is null ? "" : $" (then refused: {refusal})"));
        }

        if (refusal is not null)
        {
            return FuzzOutcome.Refused(refusal);
        }

        if (summary!.Batches != Batches || summary.Items != Batches * BatchSize || ledger.CommittedBatches != Batches)
        {
            return FuzzOutcome.Finding($"[{what}] resume completed with {summary.Batches} batches and {summary.Items} items in its state, {ledger.CommittedBatches} committed; the manifest has {Batches} batches of {BatchSize}");
        }

        return FuzzOutcome.Accepted($"[{what}] completed: recovered {summary.RecoveredFromJournal}, resubmitted {summary.Resubmitted}");
    }

    private BatchRegisterRun NewRun(string directory, RecordingLedger ledger, CsvManifestReader reader)
    {
        var journal = BatchJournal.Open(directory);
        journal.CheckOrRecord(new RunIdentity(BatchJournal.FormatName, "csv", BatchSize, Holder, MediaType.ProductListing.ToString(), ChainId));
        return new BatchRegisterRun(reader, journal, ledger, signer.BatchRegister, new BatchRunSettings(BatchSize, InFlight, MediaType.ProductListing, Holder, Hash));
    }

    /// <summary>Damages the journal in <paramref name="directory"/>; returns what was done.</summary>
    private string Damage(string directory, Random random)
    {
        var files = journalFiles.Keys.Order(StringComparer.Ordinal).ToList();
        var relative = files[random.Next(files.Count)];
        var path = Path.Combine(directory, relative);
        switch (random.Next(12))
        {
            case 0:
                File.Delete(path);
                return $"delete {relative}";
            case 1:
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
                {
                    stream.SetLength(OversizedFileBytes);
                }

                return $"grow {relative} to {OversizedFileBytes} bytes";
            case 2:
                var name = new[] { "batch-abc.entry", "batch-.entry", "batch-99999999999.entry", "batch-000009.entry", "batch-000001.entry", "batch-0000030.entry" }[random.Next(6)];
                var target = Path.Combine(directory, "journal", name);
                File.Copy(journalFiles.Keys.Where(f => f.StartsWith("journal", StringComparison.Ordinal)).Select(f => Path.Combine(directory, f)).First(), target, overwrite: true);
                return $"add journal/{name}";
            case 3 when relative.EndsWith(".entry", StringComparison.Ordinal):
                return Retamper(path, random);
            case 4 when relative.EndsWith(".json", StringComparison.Ordinal) || relative.EndsWith(".entry", StringComparison.Ordinal):
                return $"{relative}: {MutateJsonField(path, random)}";
            default:
                File.WriteAllBytes(path, ByteMutations.Mutate(File.ReadAllBytes(path), random, out var mutated));
                return $"{relative}: {mutated}";
        }
    }

    /// <summary>A consistent-looking entry that is not what was journaled: its header's hash recomputed over other bytes.</summary>
    private string Retamper(string path, Random random)
    {
        var bytes = File.ReadAllBytes(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        var header = JsonNode.Parse(bytes.AsSpan(0, newline))!.AsObject();
        var transaction = SignedTransaction.Parser.ParseFrom(bytes.AsSpan(newline + 1));
        string what;
        switch (random.Next(4))
        {
            case 0:
                var other = random.Next(otherSignedBatches.Count);
                transaction = otherSignedBatches[other];
                what = $"entry carries batch {other}'s signed bytes, header hash recomputed";
                break;
            case 1:
                var items = BatchRegistration.DetachedItemsOf(transaction);
                items.Items[random.Next(items.Items.Count)].ItemId += "-tampered";
                transaction.DetachedItems = items.ToByteString();
                what = "entry's detached items changed (the transaction hash does not cover them)";
                break;
            case 2:
                var envelope = transaction.Envelope.ToByteArray();
                envelope[random.Next(envelope.Length)] ^= 0x01;
                transaction.Envelope = ByteString.CopyFrom(envelope);
                what = "entry's envelope changed, header hash recomputed";
                break;
            default:
                header["ItemsEnd"] = header["ItemsEnd"]!.GetValue<long>() + (random.Next(2) == 0 ? 1000 : -1);
                what = "entry's ItemsEnd changed";
                break;
        }

        header["TxHash"] = Convert.ToHexStringLower(TransactionHashing.ComputeHash(Hash, transaction));
        using var stream = new MemoryStream();
        stream.Write(Encoding.UTF8.GetBytes(header.ToJsonString()));
        stream.WriteByte((byte)'\n');
        transaction.WriteTo(stream);
        File.WriteAllBytes(path, stream.ToArray());
        return what;
    }

    /// <summary>One field of a JSON file (or of an entry's header line) set to another value of any type.</summary>
    private static string MutateJsonField(string path, Random random)
    {
        var bytes = File.ReadAllBytes(path);
        var newline = Array.IndexOf(bytes, (byte)'\n');
        var jsonLength = newline < 0 ? bytes.Length : newline;
        var node = JsonNode.Parse(bytes.AsSpan(0, jsonLength))!.AsObject();
        var names = node.Select(p => p.Key).ToList();
        var field = names[random.Next(names.Count)];
        JsonNode?[] values = [null, -1, 0, 1, 2, 3, 4, 5, 7, 100, int.MaxValue, long.MaxValue, "", "x", new string('f', 64), JsonValue.Create(1.5), new JsonArray(), new JsonObject(), true];
        var value = values[random.Next(values.Length)];
        node[field] = value?.DeepClone();
        if (random.Next(4) == 0)
        {
            node.Remove(names[random.Next(names.Count)]);
        }

        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(node.ToJsonString()), .. bytes.AsSpan(jsonLength)]);
        return $"{field}={value?.ToJsonString() ?? "null"}";
    }

    /// <summary>A clock that always reads the same instant: signed bytes must not depend on when the fuzzer runs.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static string EntryName(int batch) => Path.Combine("journal", $"batch-{batch:D6}.entry");

    private static Exception Unwrap(Exception exception) => exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : exception;
}
