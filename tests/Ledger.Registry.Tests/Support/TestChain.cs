using Ledger.Core.Consortium;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Keys;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Genesis;
using Ledger.Registry.Queries;
using Ledger.Registry.Signatures;
using Ledger.Registry.State;

namespace Ledger.Registry.Tests.Support;

/// <summary>
/// A registry on an in-memory state with a standard consortium: three admins, a platform, a court,
/// two rights holders and an auditor. Public keys are real keys of the chain's suite, derived from the
/// private key SHA-256("sk/{member}/{generation}") (<see cref="KeyPairOf"/>), so governance changes
/// carrying them pass the key checks; key id = SHA-256 of the encoded key (the default derivation).
/// </summary>
internal sealed class TestChain
{
    public const string ChainId = "test-chain";
    public const string Admin1 = "admin-1";
    public const string Admin2 = "admin-2";
    public const string Admin3 = "admin-3";
    public const string Platform = "tmall";
    public const string Court = "court-hz";
    public const string Alice = "alice";
    public const string Bob = "bob";
    public const string Auditor = "auditor";
    public const long GenesisTimeUnixMs = 1_700_000_000_000;

    private readonly Dictionary<string, byte[]> signingKeys = [];
    private readonly IRegistryStateReader readState;
    private ulong nextNonce = 1;
    private ulong nextTxNumber = 1;

    /// <param name="multiGetReads">Apply blocks through a view that offers batched reads, so the applier prefetches as it does over RocksDB.</param>
    public TestChain(ConsortiumGenesis? genesis = null, int perceptualHashSubstringCount = RegistryOptions.DefaultPerceptualHashSubstringCount, int parallelismMax = 1, bool multiGetReads = false, Func<string, ulong>? raftIdOf = null)
    {
        readState = multiGetReads ? new MultiGetView(State) : State;
        Genesis = genesis ?? DefaultGenesis();
        Options = new RegistryOptions(Sha256HashAlgorithm.Instance, perceptualHashSubstringCount: perceptualHashSubstringCount) { ParallelismMax = parallelismMax, RaftIdOf = raftIdOf ?? Core.Consortium.RaftNodeIds.Of };
        Applier = new RegistryApplier(Options);
        GenesisRoot = RegistryGenesis.Initialize(State, Genesis, Options);
        Queries = new RegistryQueries(State, Options);
        foreach (var member in Genesis.Members)
        {
            signingKeys[member.Id] = member.Keys[0].PublicKey;
        }
    }

    public ConsortiumGenesis Genesis { get; }

    /// <summary>Keys the applier read ahead in batches (only with <c>multiGetReads</c>).</summary>
    public int BatchedReads => (readState as MultiGetView)?.BatchedReads ?? 0;

    public MemoryRegistryState State { get; } = new();

    public RegistryOptions Options { get; }

    public RegistryApplier Applier { get; }

    public RegistryQueries Queries { get; }

    public byte[] GenesisRoot { get; }

    public ulong Height { get; private set; }

    public byte[] LastTxHash { get; private set; } = [];

    public BlockApplication? LastBlock { get; private set; }

    public static ConsortiumGenesis DefaultGenesis(string suite = "p256-sha256", uint? threshold = null, ulong proposalExpiryBlocks = 10)
    {
        GenesisMember Member(string id, string role) => new()
        {
            Id = id,
            Name = id.ToUpperInvariant(),
            Role = role,
            Keys = [new GenesisKey { Suite = suite, PublicKey = PublicKey(id, suite: suite) }],
        };

        return new ConsortiumGenesis
        {
            FormatVersion = 1,
            ChainId = ChainId,
            Suite = suite,
            ApprovalThreshold = threshold,
            ProposalExpiryBlocks = proposalExpiryBlocks,
            Members =
            [
                Member(Admin1, "admin"), Member(Admin2, "admin"), Member(Admin3, "admin"),
                Member(Platform, "platform"), Member(Court, "court"),
                Member(Alice, "rights_holder"), Member(Bob, "rights_holder"), Member(Auditor, "auditor"),
            ],
            Nodes =
            [
                new GenesisNode { Id = "node-1", Address = "https://10.0.0.1:7400", Key = new GenesisKey { Suite = suite, PublicKey = PublicKey("node-1", suite: suite) } },
                new GenesisNode { Id = "node-2", Address = "https://10.0.0.2:7400", Key = new GenesisKey { Suite = suite, PublicKey = PublicKey("node-2", suite: suite) } },
                new GenesisNode { Id = "node-3", Address = "https://10.0.0.3:7400", Key = new GenesisKey { Suite = suite, PublicKey = PublicKey("node-3", suite: suite) } },
            ],
        };
    }

    public static byte[] PublicKey(string memberId, int generation = 0, string suite = "p256-sha256") => KeyPairOf(memberId, generation, suite).Public.ToArray();

    /// <summary>A deterministic key pair of <paramref name="suite"/> for a member (or node) and key generation.</summary>
    public static KeyPair KeyPairOf(string memberId, int generation = 0, string suite = "p256-sha256") =>
        KeyPairs.GetOrAdd((memberId, generation, suite), static id =>
            CryptoSuites.Get(id.Suite).ImportPrivateKey(SHA256.HashData(Encoding.UTF8.GetBytes($"sk/{id.MemberId}/{id.Generation}"))));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string MemberId, int Generation, string Suite), KeyPair> KeyPairs = new();

    public static byte[] KeyId(byte[] publicKey) => SHA256.HashData(publicKey);

    public static byte[] KeyIdOf(string memberId, int generation = 0, string suite = "p256-sha256") => KeyId(PublicKey(memberId, generation, suite));

    /// <summary>Makes later transactions of <paramref name="memberId"/> sign with this key.</summary>
    public void UseKey(string memberId, byte[] publicKey) => signingKeys[memberId] = publicKey;

    public RegistryTransaction Tx(string memberId, TransactionType type, IMessage body, ulong? nonce = null, string? chainId = null, string? suite = null, byte[]? publicKey = null) =>
        Tx(memberId, type, body.ToByteString(), nonce, chainId, suite, publicKey);

    /// <summary>A batch: its body signed, its items detached beside it.</summary>
    public RegistryTransaction Tx(string memberId, TransactionType type, TestBatch batch, ulong? nonce = null) =>
        Tx(memberId, type, batch.Body.ToByteString(), nonce, detachedItems: batch.Items.ToByteString());

    /// <param name="detachedItems">The transaction's detached items (a batch's), if any.</param>
    public RegistryTransaction Tx(string memberId, TransactionType type, ByteString body, ulong? nonce = null, string? chainId = null, string? suite = null, byte[]? publicKey = null, ByteString? detachedItems = null)
    {
        var key = publicKey ?? (signingKeys.TryGetValue(memberId, out var known) ? known : PublicKey(memberId, suite: Genesis.Suite));
        var envelope = new TransactionEnvelope
        {
            ChainId = chainId ?? ChainId,
            Nonce = nonce ?? nextNonce++,
            Type = type,
            Body = body,
            SignerKeyId = ByteString.CopyFrom(KeyId(key)),
            Suite = suite ?? Genesis.Suite,
            CreatedUnixMs = TimestampOf(Height + 1),
        };
        var txHash = SHA256.HashData(Encoding.UTF8.GetBytes($"tx/{nextTxNumber++}"));
        // The fake keys cannot sign: the transaction carries the verdict a real check would give. The
        // signature rule itself is specified with real keys (SignatureRuleTests).
        return new RegistryTransaction(txHash, envelope, precomputedSignature: new SignatureVerdict(envelope.ChainId, key, isValid: true), detachedItems: detachedItems);
    }

    public BlockApplication ApplyBlock(params RegistryTransaction[] transactions)
    {
        var application = Applier.ApplyBlock(readState, new BlockContext(ChainId, Height + 1, TimestampOf(Height + 1)), transactions);
        State.Apply(application.Writes);
        Height++;
        LastBlock = application;
        if (transactions.Length > 0)
        {
            LastTxHash = transactions[^1].TxHash;
        }

        return application;
    }

    /// <summary>One transaction in its own block.</summary>
    public TransactionOutcome Apply(string memberId, TransactionType type, IMessage body) => ApplyBlock(Tx(memberId, type, body)).Outcomes[0];

    /// <summary>One batch in its own block.</summary>
    public TransactionOutcome Apply(string memberId, TransactionType type, TestBatch batch) => ApplyBlock(Tx(memberId, type, batch)).Outcomes[0];

    public static long TimestampOf(ulong height) => GenesisTimeUnixMs + ((long)height * 1000);

    /// <summary>Recomputes the state root from scratch; must equal the incremental one.</summary>
    public byte[] RecomputedRoot() => StateCommitment.Recompute(State, Options.Hash);

    /// <summary>The in-memory state with <see cref="IMultiGetStateReader"/>: many reads answered one by one.</summary>
    private sealed class MultiGetView(MemoryRegistryState state) : IMultiGetStateReader
    {
        private int batchedReads;

        public int BatchedReads => Volatile.Read(ref batchedReads);

        public bool TryGet(StateKey key, [NotNullWhen(true)] out byte[]? value) => state.TryGet(key, out value);

        public IEnumerable<StateEntry> Scan(StateKey prefix, StateKey? startAfter = null) => state.Scan(prefix, startAfter);

        public void TryGetMany(ReadOnlySpan<StateKey> keys, Span<byte[]?> values)
        {
            for (var i = 0; i < keys.Length; i++)
            {
                values[i] = state.TryGet(keys[i], out var value) ? value : null;
            }

            // A batch's item reads may come from several threads at once.
            Interlocked.Add(ref batchedReads, keys.Length);
        }
    }
}
