using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Cli.Infrastructure;
using Ledger.Client.Batches;
using Ledger.Core.Protocol;

namespace Ledger.Cli.Batches;

/// <summary>
/// The durable record of one <c>ledger batch-register</c> run, in its manifest directory:
/// <list type="bullet">
/// <item><c>run.json</c> — what the run is (<see cref="RunIdentity"/>), written once; a resume with other options is refused.</item>
/// <item><c>state.json</c> — the acknowledged prefix: batches and items done, and the digest of the manifest up to there (<see cref="JournalState"/>).</item>
/// <item><c>batch-NNNNNN.jsonl</c> — each batch's manifest (<see cref="BatchRegistration.WriteManifest"/>), kept for good.</item>
/// <item><c>journal/batch-NNNNNN.entry</c> — each batch signed but not yet acknowledged: a JSON line (<see cref="JournalEntry"/>)
/// then the exact signed transaction bytes, so a resume resubmits the same transaction or finds it committed, never signs anew.</item>
/// </list>
/// Every file is written temp-then-rename with fsync (<see cref="DurableFile"/>). Order per batch: manifest, entry, submit;
/// after the acknowledgement: state, then the entry is deleted. So entries always start at <see cref="JournalState.BatchesDone"/>
/// and are contiguous (checked on open).
/// </summary>
public sealed class BatchJournal
{
    /// <summary>Characters of a recorded run option quoted in a refusal (the rest is cut: the message stays one short line).</summary>
    private const int RecordedValueCharsShown = 64;

    public const string FormatName = "ledger-batch-register/1";
    private const string RunFile = "run.json";
    private const string StateFile = "state.json";
    private const string LegacyStateFile = "state";
    private const string EntriesDirectory = "journal";
    private const string EntryPrefix = "batch-";

    private BatchJournal(string directory, RunIdentity? identity, JournalState state)
    {
        Directory = directory;
        Identity = identity;
        State = state;
    }

    public string Directory { get; }

    /// <summary>The run this directory belongs to; null before the first run records it.</summary>
    public RunIdentity? Identity { get; private set; }

    public JournalState State { get; private set; }

    public static BatchJournal Open(string directory)
    {
        System.IO.Directory.CreateDirectory(Path.Combine(directory, EntriesDirectory));
        var runPath = Path.Combine(directory, RunFile);
        if (!File.Exists(runPath))
        {
            if (File.Exists(Path.Combine(directory, LegacyStateFile)))
            {
                throw CliException.InvalidInput($"{directory} was written by an older ledger batch-register (a bare batch counter, no journal): it cannot be resumed exactly-once; choose a new --manifest-dir");
            }

            return new BatchJournal(directory, null, JournalState.Empty);
        }

        var identity = ReadJson<RunIdentity>(runPath);
        if (identity.Format is null || identity.Kind is null || identity.Holder is null || identity.MediaType is null || identity.ChainId is null)
        {
            throw Damaged($"{runPath}: a field is missing or null");
        }

        if (identity.Format != FormatName)
        {
            throw CliException.InvalidInput($"{runPath}: format is not '{FormatName}'");
        }

        var statePath = Path.Combine(directory, StateFile);
        var state = File.Exists(statePath) ? ReadJson<JournalState>(statePath) : JournalState.Empty;
        if (state.Problem() is { } problem)
        {
            throw Damaged($"{statePath}: {problem}");
        }

        var journal = new BatchJournal(directory, identity, state);
        journal.DropAcknowledgedEntries();
        return journal;
    }

    /// <summary>Records <paramref name="identity"/> for a new run, or refuses one that differs from the recorded run.</summary>
    /// <exception cref="CliException">The directory belongs to a run with other options.</exception>
    public void CheckOrRecord(RunIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (Identity is null)
        {
            DurableFile.Write(Path.Combine(Directory, RunFile), stream => JsonSerializer.Serialize(stream, identity));
            Identity = identity;
            return;
        }

        var differences = new List<string>();
        Compare("manifest kind", Identity.Kind, identity.Kind);
        Compare("--batch-size", Identity.BatchSize.ToString(CultureInfo.InvariantCulture), identity.BatchSize.ToString(CultureInfo.InvariantCulture));
        Compare("--holder", Identity.Holder, identity.Holder);
        Compare("media type", Identity.MediaType, identity.MediaType);
        Compare("chain", Identity.ChainId, identity.ChainId);
        if (differences.Count > 0)
        {
            throw CliException.InvalidInput($"{Directory} belongs to another run ({string.Join("; ", differences)}): resume with the same manifest and options, or choose a new --manifest-dir");
        }

        void Compare(string what, string recorded, string given)
        {
            if (recorded != given)
            {
                differences.Add($"{what} was '{Shown(recorded)}', now '{Shown(given)}'");
            }
        }

        // A damaged run.json can hold any text: quote at most a short, printable prefix of it.
        static string Shown(string value)
        {
            var prefix = value.Length <= RecordedValueCharsShown ? value : value[..RecordedValueCharsShown] + "…";
            return string.Create(prefix.Length, prefix, static (chars, text) =>
            {
                for (var i = 0; i < text.Length; i++)
                {
                    chars[i] = char.IsControl(text[i]) ? '?' : text[i];
                }
            });
        }
    }

    /// <summary>Batches signed and journaled but not acknowledged, in order (contiguous from <see cref="JournalState.BatchesDone"/>).</summary>
    public IReadOnlyList<int> PendingBatches()
    {
        var batches = System.IO.Directory.EnumerateFiles(Path.Combine(Directory, EntriesDirectory), EntryPrefix + "*.entry")
            .Select(path => EntryBatch(path) ?? throw Damaged($"{path} is not a journal entry's name ({EntryPrefix}NNNNNN.entry)"))
            .Order()
            .ToList();
        for (var i = 0; i < batches.Count; i++)
        {
            if (batches[i] != State.BatchesDone + i)
            {
                throw Damaged($"entries {string.Join(",", batches.Take(10))} do not follow the {State.BatchesDone} acknowledged batches without a gap");
            }
        }

        return batches;
    }

    public string ManifestPath(int batch) => Path.Combine(Directory, $"batch-{batch:D6}.jsonl");

    public void WriteManifest(int batch, BuiltBatch built, byte[] txHash)
    {
        DurableFile.Write(ManifestPath(batch), stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            BatchRegistration.WriteManifest(writer, built, txHash);
        });
    }

    public void WriteEntry(JournalEntry entry, SignedTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(transaction);
        DurableFile.Write(EntryPath(entry.Batch), stream =>
        {
            JsonSerializer.Serialize(stream, entry);
            stream.WriteByte((byte)'\n');
            Google.Protobuf.MessageExtensions.WriteTo(transaction, stream);
        });
    }

    /// <summary>A journaled batch's entry and signed bytes, checked for shape (the run checks them against the manifest).</summary>
    /// <exception cref="CliException">The entry is missing, past its bound, or not an entry of this batch.</exception>
    public (JournalEntry Entry, SignedTransaction Transaction) ReadEntry(int batch)
    {
        var path = EntryPath(batch);
        var bytes = Files.ReadAllBytes(path, ManifestBounds.JournalEntryBytesMax, "journal entry");
        var newline = Array.IndexOf(bytes, (byte)'\n', 0, Math.Min(bytes.Length, ManifestBounds.JournalEntryHeaderBytesMax));
        if (newline < 0)
        {
            throw Damaged($"{path} has no header line within {nameof(ManifestBounds.JournalEntryHeaderBytesMax)}={ManifestBounds.JournalEntryHeaderBytesMax} bytes");
        }

        JournalEntry? entry;
        SignedTransaction transaction;
        try
        {
            entry = JournalJson.Deserialize<JournalEntry>(bytes.AsSpan(0, newline));
        }
        catch (JsonException exception)
        {
            throw Damaged($"{path} does not parse: its header is not valid JSON ({JournalJson.Position(exception)})");
        }

        try
        {
            transaction = SignedTransaction.Parser.ParseFrom(bytes.AsSpan(newline + 1));
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            throw Damaged($"{path} does not parse: its signed bytes are not a SignedTransaction");
        }

        if (entry is null || entry.TxHash is null || entry.SourceSha256 is null)
        {
            throw Damaged($"{path} header lacks fields");
        }

        if (entry.Batch != batch)
        {
            throw Damaged($"{path} says it is batch {entry.Batch}");
        }

        return (entry, transaction);
    }

    /// <summary>
    /// The transaction hash recorded in batch <paramref name="batch"/>'s manifest file (written before its entry), or
    /// null when there is no such file (the batch was never signed).
    /// </summary>
    /// <exception cref="CliException">The file's header line is past its bound or does not parse.</exception>
    public string? RecordedTxHash(int batch)
    {
        var path = ManifestPath(batch);
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        var header = new byte[ManifestBounds.JournalFileBytesMax];
        var length = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        var newline = Array.IndexOf(header, (byte)'\n', 0, length);
        try
        {
            var node = JournalJson.ParseNode(header.AsSpan(0, newline < 0 ? length : newline));
            if (node?["TxHash"]?.GetValue<string>() is { Length: 64 } txHash && txHash.All(char.IsAsciiHexDigitLower))
            {
                return txHash;
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            // Reported below, as any header without a hash.
        }

        throw Damaged($"{path} does not begin with a header holding the batch's transaction hash");
    }

    /// <summary>Batch <paramref name="state"/>.BatchesDone - 1 is acknowledged: record it, then drop its entry.</summary>
    public void Advance(JournalState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.BatchesDone != State.BatchesDone + 1)
        {
            throw new InvalidOperationException($"acknowledgements must come in order: {State.BatchesDone} done, then {state.BatchesDone}");
        }

        DurableFile.Write(Path.Combine(Directory, StateFile), stream => JsonSerializer.Serialize(stream, state));
        State = state;
        File.Delete(EntryPath(state.BatchesDone - 1));
    }

    /// <summary>A refusal to resume from a damaged journal: the user's way out is named.</summary>
    internal static CliException Damaged(string detail) =>
        CliException.InvalidInput($"journal damaged: {detail}; nothing was signed or submitted for it — restore the manifest directory, or start over with a new --manifest-dir");

    private static int? EntryBatch(string path) =>
        int.TryParse(Path.GetFileNameWithoutExtension(path).AsSpan(EntryPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var batch) ? batch : null;

    private string EntryPath(int batch) => Path.Combine(Directory, EntriesDirectory, $"{EntryPrefix}{batch:D6}.entry");

    /// <summary>An entry whose batch the state already counts was deleted after the state was written, or not yet: finish that.</summary>
    private void DropAcknowledgedEntries()
    {
        foreach (var path in System.IO.Directory.EnumerateFiles(Path.Combine(Directory, EntriesDirectory), "batch-*.entry").ToList())
        {
            if (EntryBatch(path) is { } batch && batch < State.BatchesDone)
            {
                File.Delete(path);
            }
        }
    }

    private static T ReadJson<T>(string path)
    {
        try
        {
            return JournalJson.Deserialize<T>(Files.ReadAllBytes(path, ManifestBounds.JournalFileBytesMax, "journal file")) ?? throw CliException.InvalidInput($"{path} is empty");
        }
        catch (JsonException exception)
        {
            // Position only: the parser's message quotes the JSON path, i.e. the damaged file's own text, unbounded.
            throw CliException.InvalidInput($"{path} is not valid JSON ({JournalJson.Position(exception)})");
        }
    }
}

/// <summary>What a run is: a resume must match it.</summary>
public sealed record RunIdentity(string Format, string Kind, int BatchSize, string Holder, string MediaType, string ChainId);

/// <summary>The acknowledged prefix: <see cref="BatchesDone"/> batches, <see cref="ItemsDone"/> items, and the manifest's digest through them.</summary>
public sealed record JournalState(int BatchesDone, long ItemsDone, string SourceSha256)
{
    public static JournalState Empty { get; } = new(0, 0, "");

    /// <summary>Why this cannot be a state the journal wrote (negative counts, a digest that is not SHA-256 hex), or null.</summary>
    public string? Problem() =>
        BatchesDone < 0 || ItemsDone < 0 ? $"negative counts ({BatchesDone} batches, {ItemsDone} items)"
        : ItemsDone < BatchesDone || ItemsDone > (long)BatchesDone * ManifestBounds.BatchSizeMax ? $"{ItemsDone} items cannot fill {BatchesDone} batches"
        : BatchesDone == 0 ? (ItemsDone == 0 && SourceSha256 == "" ? null : "no batches done, yet items or a digest recorded")
        : SourceSha256 is not { Length: 64 } || !SourceSha256.All(char.IsAsciiHexDigitLower) ? "the manifest digest is not SHA-256 hex"
        : null;
}

/// <summary>One signed, not yet acknowledged batch (the header line of its journal file).</summary>
public sealed record JournalEntry(int Batch, string TxHash, int ItemCount, long ItemsEnd, string SourceSha256);
