using System.Globalization;
using System.Security.Cryptography;
using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Hashing;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Evidence;

/// <summary>
/// Checks an evidence bundle offline, with nothing but the bundle (and a trusted genesis
/// fingerprint, without which the verdict is never VALID, and optionally a content file's digest).
/// Every check is reported on its own; a check that cannot run because an earlier one failed is
/// reported as failed with the reason, so the report always lists the same checks in the same
/// order. The verdict (<see cref="EvidenceReport.Verdict"/>) separates what the ledger accepted
/// from what it proved it refused.
/// </summary>
public static partial class EvidenceVerifier
{
    public const string CheckGenesis = "genesis";
    public const string CheckGovernance = "governance changes";
    public const string CheckHeaderShape = "block header shape";
    public const string CheckCertification = "block certification (node quorum)";
    public const string CheckTransactionHash = "transaction hash";
    public const string CheckEnvelope = "transaction envelope";
    public const string CheckSigner = "signer is a consortium member";
    public const string CheckSignature = "transaction signature";
    public const string CheckPosition = "block height and position";
    public const string CheckInclusion = "inclusion in the ledger log";
    public const string CheckResult = "ledger's decision on the transaction";
    public const string CheckBatchItem = "batch item inclusion";
    public const string CheckItemOutcome = "ledger's decision on the batch item";
    public const string CheckPrior = "earlier registration named by the rejection";
    public const string CheckCheckpoint = "log checkpoint and witnesses";
    public const string CheckContent = "content file matches registered hash";

    public static EvidenceReport Verify(EvidenceBundle bundle, EvidenceVerificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        options ??= new EvidenceVerificationOptions();
        var run = new Run(bundle, options);
        run.Execute();
        return run.ToReport();
    }

    private sealed partial class Run
    {
        private readonly EvidenceBundle bundle;
        private readonly EvidenceVerificationOptions options;
        private readonly List<EvidenceCheck> checks = [];
        private readonly List<string> subject = [];
        private readonly List<string> attestingNodes = [];

        /// <summary>The governance changes that proved into the certified log, with their hashes and leaves, in chain order.</summary>
        private readonly List<(GovernanceChangeEvidence Change, byte[] TxHash, ulong Leaf)> provenChanges = [];
        private ConsortiumGenesis? genesis;
        private IHashAlgorithm? chainHash;
        private TransactionEnvelope? envelope;
        private ConsortiumKey? signer;
        private ConsortiumState? consortium;
        private List<GovernanceChangeEvidence> sameBlockChanges = [];
        private byte[]? genesisSha256;
        private ulong? transactionLeaf;
        private LedgerDecision? transactionDecision;
        private LedgerDecision? itemDecision;
        private string? itemRejectionReason;
        private PriorRegistrationReport? prior;

        public Run(EvidenceBundle bundle, EvidenceVerificationOptions options)
        {
            this.bundle = bundle;
            this.options = options;
        }

        private BlockHeader Header => bundle.CertifiedHeader.Header ?? new BlockHeader();

        /// <summary>The decision the verdict is about: the item's for an item bundle, else the transaction's.</summary>
        private LedgerDecision? Decision => bundle.BatchItem is null ? transactionDecision : itemDecision;

        public void Execute()
        {
            Check(CheckGenesis, VerifyGenesis);
            Check(CheckGovernance, VerifyGovernance);
            Check(CheckHeaderShape, VerifyHeaderShape);
            Check(CheckCertification, VerifyCertification);
            Check(CheckTransactionHash, VerifyTransactionHash);
            Check(CheckEnvelope, VerifyEnvelope);
            Check(CheckSigner, VerifySigner);
            Check(CheckSignature, VerifySignature);
            Check(CheckPosition, VerifyPosition);
            Check(CheckInclusion, VerifyInclusion);
            Check(CheckResult, VerifyResult);
            Check(CheckBatchItem, VerifyBatchItem);
            Check(CheckItemOutcome, VerifyItemOutcome);
            Check(CheckPrior, VerifyPrior);
            Check(CheckCheckpoint, VerifyCheckpoint);
            Check(CheckContent, VerifyContent);
        }

        public EvidenceReport ToReport() => new()
        {
            Checks = checks,
            Decision = Decision,
            RejectionReason = Decision == LedgerDecision.Rejected ? (bundle.BatchItem is null ? bundle.Result.Reason : itemRejectionReason) : null,
            BatchItemIndex = bundle.BatchItem is null ? null : (uint)Math.Min(bundle.BatchItem.ItemProof.LeafIndex, uint.MaxValue),
            Prior = prior,
            Checkpoint = checkpointReport,
            ChainId = genesis?.ChainId,
            Suite = genesis?.Suite,
            GenesisSha256Hex = genesisSha256 is null ? null : Convert.ToHexStringLower(genesisSha256),
            TxHashHex = Convert.ToHexStringLower(bundle.TransactionHash),
            TransactionType = envelope is null ? null : TypeName(envelope.Type),
            Subject = subject,
            SignerMemberId = signer?.MemberId,
            SignerRole = signer is null ? null : consortium?.RoleOf(signer.MemberId),
            SignerKeyIdHex = envelope is null ? null : Convert.ToHexStringLower(envelope.SignerKeyId.Span),
            BlockHeight = bundle.BlockHeight,
            Position = bundle.Position,
            BlockTimestampUnixMs = bundle.CertifiedHeader.Header?.TimestampUnixMs,
            AttestingNodeIds = attestingNodes,
            BlockTimeSkewMilliseconds = genesis?.EffectiveBlockTimeSkewMilliseconds,
        };

        private void Check(string name, Func<(EvidenceCheckStatus, string)> body)
        {
            try
            {
                var (status, detail) = body();
                checks.Add(new EvidenceCheck(name, status, detail));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Hostile input must produce a failed check, never an escaping exception.
                checks.Add(new EvidenceCheck(name, EvidenceCheckStatus.Failed, $"{exception.GetType().Name}: {exception.Message}"));
            }
        }

        private static (EvidenceCheckStatus, string) Pass(string detail) => (EvidenceCheckStatus.Passed, detail);

        private static (EvidenceCheckStatus, string) Fail(string detail) => (EvidenceCheckStatus.Failed, detail);

        private static (EvidenceCheckStatus, string) Skip(string detail) => (EvidenceCheckStatus.Skipped, detail);

        private static (EvidenceCheckStatus, string) FromFailure(string? failure, string passDetail) =>
            failure is null ? Pass(passDetail) : Fail(failure);

        private (EvidenceCheckStatus, string) VerifyGenesis()
        {
            genesisSha256 = SHA256.HashData(bundle.Genesis);
            genesis = ConsortiumGenesis.Parse(bundle.Genesis);
            chainHash = CryptoSuites.Get(genesis.Suite).Hash;
            var fingerprint = Convert.ToHexStringLower(genesisSha256);
            if (options.TrustedGenesisSha256 is null)
            {
                return (EvidenceCheckStatus.NotAnchored,
                    $"chain '{genesis.ChainId}', suite {genesis.Suite}, {genesis.Members.Count} members, {genesis.Nodes.Count} nodes; sha256 {fingerprint} — NOT ANCHORED: "
                    + "no trusted genesis was given, so the checks below hold against the bundle's own genesis only; give the consortium's published genesis (--genesis FILE) or its fingerprint (--genesis-sha256 HEX)");
            }

            return genesisSha256.AsSpan().SequenceEqual(options.TrustedGenesisSha256)
                ? Pass($"chain '{genesis.ChainId}', suite {genesis.Suite}; sha256 {fingerprint} matches the trusted genesis")
                : Fail($"sha256 {fingerprint} differs from the trusted genesis {Convert.ToHexStringLower(options.TrustedGenesisSha256)}");
        }

        /// <summary>
        /// Replays the bundle's governance transactions (each proven into the same certified log)
        /// from the genesis: those before the transaction's block give the node set that must
        /// certify the header; those earlier in the same block only matter for the signer's key.
        /// Log leaf order is the chain order, so it is checked on the proofs, not taken on trust.
        /// </summary>
        private (EvidenceCheckStatus, string) VerifyGovernance()
        {
            if (genesis is null || chainHash is null)
            {
                return Fail("no valid genesis");
            }

            consortium = new ConsortiumState(genesis);
            var header = Header;
            if (bundle.GovernanceChanges.Count == 0 && bundle.NodeSetAnchors.Count == 0)
            {
                return Pass("none included: node and member keys are the genesis ones");
            }

            // Which changes precede the transaction is read from its log leaf, so that leaf must exist.
            if (!LogLeafIndex.TryGet(header, bundle.Position, out var subjectLeaf) || !LogLeafIndex.TryGet(header, 0, out var blockFirstLeaf))
            {
                return Fail($"position {bundle.Position} is not a transaction of block {header.Height} ({header.TxCount} transactions, log size {header.LogSize})");
            }

            var merkle = new MerkleHasher(chainHash);
            ulong? previousLeaf = null;
            for (var i = 0; i < bundle.GovernanceChanges.Count; i++)
            {
                var change = bundle.GovernanceChanges[i];
                var proof = change.LogInclusion;
                if (proof.TreeSize != header.LogSize)
                {
                    return Fail($"change {i}: proof is against log size {proof.TreeSize}, the header's is {header.LogSize}");
                }

                if (previousLeaf is { } before && proof.LeafIndex <= before)
                {
                    return Fail($"change {i}: log leaf {proof.LeafIndex} is not after the previous change's leaf {before}");
                }

                if (proof.LeafIndex >= subjectLeaf)
                {
                    return Fail($"change {i}: log leaf {proof.LeafIndex} is not before the transaction (leaf {subjectLeaf})");
                }

                var txHash = TransactionHashing.ComputeHash(chainHash, change.Transaction);
                var leaf = LogLeaf.MerkleLeafHash(txHash, change.Result, chainHash);
                var result = MerkleProofVerifier.CheckInclusion(merkle, proof.LeafIndex, proof.TreeSize, leaf, [.. proof.Path.Select(p => p.ToByteArray())], header.LogRoot.Span);
                if (result != MerkleProofResult.Valid)
                {
                    return Fail($"change {i} (block {change.BlockHeight}): inclusion proof: {result}");
                }

                previousLeaf = proof.LeafIndex;
                provenChanges.Add((change, txHash, proof.LeafIndex));
                if (proof.LeafIndex >= blockFirstLeaf)
                {
                    sameBlockChanges.Add(change);
                    continue;
                }

            }

            var anchorFailure = ReplayAnchored(genesis, header);
            if (anchorFailure is not null)
            {
                return Fail(anchorFailure);
            }

            var nodes = string.Join(", ", consortium.ActiveNodes.Keys.Order(StringComparer.Ordinal));
            return Pass($"{bundle.GovernanceChanges.Count} governance transactions proven into the certified log and replayed ({consortium.ChangesExecuted} changes executed){AnchoredDetail()}; nodes at block {header.Height}: {nodes}");
        }

        private (EvidenceCheckStatus, string) VerifyHeaderShape()
        {
            if (genesis is null || chainHash is null)
            {
                return Fail("no valid genesis");
            }

            return FromFailure(
                RegistrationChecks.Header(bundle.CertifiedHeader, genesis, chainHash),
                $"height {Header.Height}, {Header.TxCount} transactions, log size {Header.LogSize}");
        }

        private (EvidenceCheckStatus, string) VerifyCertification()
        {
            if (consortium is null || bundle.CertifiedHeader.Header is null)
            {
                return Fail("no valid genesis, governance or header");
            }

            var failure = CertifiedHeaderVerifier.Check(bundle.CertifiedHeader, consortium, attestingNodes);
            return FromFailure(failure, $"signed by {attestingNodes.Count} of {consortium.ActiveNodes.Count} nodes ({string.Join(", ", attestingNodes)}); quorum is {consortium.Quorum}");
        }

        private (EvidenceCheckStatus, string) VerifyTransactionHash()
        {
            if (chainHash is null)
            {
                return Fail("no valid genesis");
            }

            var computed = TransactionHashing.ComputeHash(chainHash, bundle.Transaction);
            return computed.AsSpan().SequenceEqual(bundle.TransactionHash)
                ? Pass(Convert.ToHexStringLower(computed))
                : Fail($"transaction hashes to {Convert.ToHexStringLower(computed)}, bundle says {Convert.ToHexStringLower(bundle.TransactionHash)}");
        }

        private (EvidenceCheckStatus, string) VerifyEnvelope()
        {
            if (genesis is null)
            {
                return Fail("no valid genesis");
            }

            var parsed = TransactionEnvelope.Parser.ParseFrom(bundle.Transaction.Envelope);
            var failure = EnvelopeFailure(parsed, genesis);
            if (failure is not null)
            {
                return Fail(failure);
            }

            envelope = parsed;
            subject.AddRange(Describe(parsed));
            return Pass($"{TypeName(parsed.Type)}, nonce {parsed.Nonce}");
        }

        private static string? EnvelopeFailure(TransactionEnvelope parsed, ConsortiumGenesis genesis)
        {
            if (parsed.ChainId != genesis.ChainId)
            {
                return $"signed for chain '{parsed.ChainId}', not '{genesis.ChainId}'";
            }

            return parsed.Suite != genesis.Suite ? $"signed with suite '{parsed.Suite}', the consortium uses '{genesis.Suite}'" : null;
        }

        private (EvidenceCheckStatus, string) VerifySigner()
        {
            if (consortium is null || envelope is null || chainHash is null)
            {
                return Fail("no valid genesis, governance or envelope");
            }

            foreach (var change in sameBlockChanges)
            {
                consortium.Observe(change.BlockHeight, change.Position, change.Transaction, TransactionHashing.ComputeHash(chainHash, change.Transaction), change.Result);
            }

            sameBlockChanges = [];
            var failure = SignerFailure(consortium, envelope, out var key);
            signer = key;
            if (failure is not null)
            {
                return Fail(failure);
            }

            var origin = key!.ValidFromHeight == 0 ? "genesis key" : $"key added at block {key.ValidFromHeight}";
            return Pass($"member '{key.MemberId}' ({consortium.RoleOf(key.MemberId)}), {origin}, key id {Convert.ToHexStringLower(envelope.SignerKeyId.Span)}");
        }

        private static string? SignerFailure(ConsortiumState state, TransactionEnvelope parsed, out ConsortiumKey? key)
        {
            key = state.FindKey(parsed.SignerKeyId.Span);
            if (key is null)
            {
                return $"key id {Convert.ToHexStringLower(parsed.SignerKeyId.Span)} belongs to no member (genesis or added by the included governance changes)";
            }

            return key.RetiredAt is { } retired
                ? $"member '{key.MemberId}''s key {Convert.ToHexStringLower(parsed.SignerKeyId.Span)} was retired at block {retired}, before this transaction"
                : null;
        }

        private (EvidenceCheckStatus, string) VerifySignature()
        {
            if (signer is null || genesis is null)
            {
                return Fail("no signer key");
            }

            return TransactionSigning.Verify(signer.PublicKey, bundle.Transaction, genesis.ChainId)
                ? Pass($"valid {signer.PublicKey.Suite.Name} signature by '{signer.MemberId}'")
                : Fail($"the signature does not verify with member '{signer.MemberId}''s key");
        }

        private (EvidenceCheckStatus, string) VerifyPosition()
        {
            var failure = RegistrationChecks.Position(bundle.BlockHeight, bundle.Position, bundle.LogInclusion, Header, out var leaf);
            if (failure is null)
            {
                transactionLeaf = leaf;
            }

            return FromFailure(failure, $"block {Header.Height}, position {bundle.Position} (log leaf {leaf})");
        }

        private (EvidenceCheckStatus, string) VerifyInclusion()
        {
            if (chainHash is null)
            {
                return Fail("no valid genesis");
            }

            return FromFailure(
                RegistrationChecks.Inclusion(bundle.TransactionHash, bundle.Result, bundle.LogInclusion, Header, chainHash),
                $"leaf {bundle.LogInclusion.LeafIndex} of {bundle.LogInclusion.TreeSize} (the transaction and its recorded result) proves to the certified log root");
        }

        /// <summary>The recorded result is covered by the log leaf (previous check): it is the ledger's decision, whichever it is.</summary>
        private (EvidenceCheckStatus, string) VerifyResult()
        {
            switch (bundle.Result.Code)
            {
                case ResultCode.Ok:
                    transactionDecision = LedgerDecision.Accepted;
                    return Pass($"ACCEPTED (recorded OK{(bundle.Result.Reason.Length == 0 ? "" : $": {bundle.Result.Reason}")})");
                case ResultCode.Rejected:
                    transactionDecision = LedgerDecision.Rejected;
                    return Pass($"REJECTED: {bundle.Result.Reason}");
                default:
                    return Fail($"unknown result code {(int)bundle.Result.Code}");
            }
        }

        private (EvidenceCheckStatus, string) VerifyBatchItem()
        {
            if (bundle.BatchItem is null)
            {
                return envelope?.Type == TransactionType.BatchRegister
                    ? Fail("a BatchRegister bundle must name the item it is evidence for")
                    : Skip("not a batch item");
            }

            if (envelope is null || chainHash is null || envelope.Type != TransactionType.BatchRegister)
            {
                return Fail("batch item given, but the transaction is not a BatchRegister");
            }

            var body = BatchRegister.Parser.ParseFrom(envelope.Body);
            var failure = RegistrationChecks.BatchItem(body, bundle.BatchItem, chainHash);
            if (failure is not null)
            {
                return Fail(failure);
            }

            var proof = bundle.BatchItem.ItemProof;
            subject.Add($"batch item #{proof.LeafIndex} '{bundle.BatchItem.Item.ItemId}', content sha256 {Convert.ToHexStringLower(bundle.BatchItem.Item.ContentSha256.Span)}"
                + (bundle.BatchItem.Item.ContentSm3.IsEmpty ? "" : $", sm3 {Convert.ToHexStringLower(bundle.BatchItem.Item.ContentSm3.Span)}"));
            return Pass($"item {proof.LeafIndex} of {proof.TreeSize} proves to the batch merkle_root the member signed");
        }

        private (EvidenceCheckStatus, string) VerifyItemOutcome()
        {
            if (bundle.BatchItem is null)
            {
                return Skip("not a batch item");
            }

            if (envelope is null || chainHash is null || envelope.Type != TransactionType.BatchRegister)
            {
                return Fail("batch item given, but the transaction is not a BatchRegister");
            }

            var body = BatchRegister.Parser.ParseFrom(envelope.Body);
            var failure = RegistrationChecks.ItemOutcome(bundle.Result, body, bundle.BatchItem, chainHash, out var decision, out var reason);
            if (failure is not null)
            {
                return Fail(failure);
            }

            itemDecision = decision;
            itemRejectionReason = reason;
            var index = bundle.BatchItem.ItemProof.LeafIndex;
            if (bundle.Result.Code == ResultCode.Rejected)
            {
                return Pass($"REJECTED with the whole batch ({reason}): no item of it was registered");
            }

            return decision == LedgerDecision.Accepted
                ? Pass($"ACCEPTED: item {index}'s outcome proves to the batch result's item_outcomes_root")
                : Pass($"REJECTED: {reason} (item {index}'s outcome proves to the batch result's item_outcomes_root)");
        }

        private (EvidenceCheckStatus, string) VerifyContent()
        {
            if (options.Content is null)
            {
                return Skip("no content file given");
            }

            if (envelope is null)
            {
                return Fail("no valid envelope");
            }

            if (!TryRegisteredContent(envelope, bundle.BatchItem, out var registeredSha256, out var registeredSm3))
            {
                return Fail($"a {TypeName(envelope.Type)} transaction registers no content");
            }

            // Every hash the registration names must match the file (a work may name SHA-256, SM3
            // or both; ContentHashPolicy); at least one must be named.
            if (registeredSha256.Length == 0 && registeredSm3 is null)
            {
                return Fail("the registration names no content hash");
            }

            if (registeredSha256.Length > 0 && !options.Content.Sha256.AsSpan().SequenceEqual(registeredSha256))
            {
                return Fail($"file sha256 {Convert.ToHexStringLower(options.Content.Sha256)} differs from the registered {Convert.ToHexStringLower(registeredSha256)}");
            }

            if (registeredSm3 is not null)
            {
                if (options.Content.Sm3 is null)
                {
                    return Fail("the registration also names an SM3 hash, but no SM3 digest of the file was computed");
                }

                if (!options.Content.Sm3.AsSpan().SequenceEqual(registeredSm3))
                {
                    return Fail($"file sm3 {Convert.ToHexStringLower(options.Content.Sm3)} differs from the registered {Convert.ToHexStringLower(registeredSm3)}");
                }
            }

            // Worded as the in-browser verifier words it (web/verifier, cross-checked) when SHA-256 is named.
            return registeredSha256.Length > 0
                ? Pass($"sha256 {Convert.ToHexStringLower(registeredSha256)}{(registeredSm3 is null ? "" : " and sm3")} match")
                : Pass($"sm3 {Convert.ToHexStringLower(registeredSm3!)} match");
        }

        /// <summary>The content hashes a registration names: RegisterWork's, or the batch item's.</summary>
        private static bool TryRegisteredContent(TransactionEnvelope parsed, BatchItemEvidence? item, out byte[] sha256, out byte[]? sm3)
        {
            sm3 = null;
            if (item is not null)
            {
                sha256 = item.Item.ContentSha256.ToByteArray();
                sm3 = item.Item.ContentSm3.IsEmpty ? null : item.Item.ContentSm3.ToByteArray();
                return true;
            }

            if (parsed.Type == TransactionType.RegisterWork)
            {
                var body = RegisterWork.Parser.ParseFrom(parsed.Body);
                sha256 = body.ContentHash?.Sha256.ToByteArray() ?? [];
                sm3 = body.ContentHash?.Sm3.IsEmpty == false ? body.ContentHash.Sm3.ToByteArray() : null;
                return true;
            }

            sha256 = [];
            return false;
        }

        private static List<string> Describe(TransactionEnvelope transaction)
        {
            var lines = new List<string>();
            switch (transaction.Type)
            {
                case TransactionType.RegisterWork:
                    var work = RegisterWork.Parser.ParseFrom(transaction.Body);
                    lines.Add($"work \"{work.Title}\" ({work.MediaType})");
                    lines.Add($"content sha256 {Convert.ToHexStringLower(work.ContentHash is null ? [] : work.ContentHash.Sha256.ToByteArray())}");
                    if (work.HasPerceptualHash)
                    {
                        lines.Add($"perceptual hash {work.PerceptualHash.ToString("x16", CultureInfo.InvariantCulture)}");
                    }

                    lines.Add($"rights holder {HolderName(work.RightsHolder)}");
                    break;
                case TransactionType.BatchRegister:
                    var batch = BatchRegister.Parser.ParseFrom(transaction.Body);
                    lines.Add($"batch of {RegistrationChecks.ItemCount(batch)} items ({batch.MediaType}), merkle root {Convert.ToHexStringLower(batch.MerkleRoot.Span)}, rights holder {HolderName(batch.RightsHolder)}");
                    break;
                default:
                    lines.Add($"{TypeName(transaction.Type)} ({transaction.Body.Length} body bytes)");
                    break;
            }

            return lines;
        }

        private static string HolderName(RightsHolder? holder) => holder?.HolderCase switch
        {
            RightsHolder.HolderOneofCase.MemberId => $"member '{holder.MemberId}'",
            RightsHolder.HolderOneofCase.External => $"'{holder.External.Name}' ({holder.External.Identifier})",
            _ => "(none)",
        };
    }

    public static string TypeName(TransactionType type) => type switch
    {
        TransactionType.RegisterWork => "RegisterWork",
        TransactionType.BatchRegister => "BatchRegister",
        TransactionType.TransferOwnership => "TransferOwnership",
        TransactionType.GrantLicense => "GrantLicense",
        TransactionType.RevokeLicense => "RevokeLicense",
        TransactionType.FileClaim => "FileClaim",
        TransactionType.RespondToClaim => "RespondToClaim",
        TransactionType.ResolveClaim => "ResolveClaim",
        TransactionType.PreserveEvidence => "PreserveEvidence",
        TransactionType.RecordJudgment => "RecordJudgment",
        TransactionType.ProposeChange => "ProposeChange",
        TransactionType.Vote => "Vote",
        TransactionType.Anchor => "Anchor",
        _ => $"type {(int)type}",
    };
}
