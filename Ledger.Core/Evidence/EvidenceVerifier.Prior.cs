using Ledger.Core.Blocks;
using Ledger.Core.Consortium;
using Ledger.Core.Hashing;
using Ledger.Core.Protocol;
using Ledger.Core.Signing;

namespace Ledger.Core.Evidence;

/// <summary>
/// The prior registration a rejection names (docs/evidence-bundle.md, "Rejections and the earlier
/// registration"): proven with the same rigour as the transaction itself, on its own certified
/// header, against the node set and member keys in force at its own position (the bundle's
/// governance changes up to its log leaf), and shown to register the same content earlier.
/// </summary>
public static partial class EvidenceVerifier
{
    private sealed partial class Run
    {
        private (EvidenceCheckStatus, string) VerifyPrior()
        {
            var given = bundle.PriorRegistration;
            if (Decision is not { } decision)
            {
                return given is null ? Skip("the ledger's decision is not proven") : Fail("the ledger's decision is not proven");
            }

            if (decision == LedgerDecision.Accepted)
            {
                return given is null ? Skip("accepted: no earlier registration involved") : Fail("the bundle carries an earlier registration, but the ledger accepted this one");
            }

            var (referenceTxHash, referenceWorkId) = Reference();
            if (referenceTxHash.Length == 0)
            {
                return given is null ? Skip("the rejection names no earlier registration") : Fail("the bundle carries an earlier registration the rejection does not name");
            }

            if (given is null)
            {
                return Fail($"the rejection names transaction {Convert.ToHexStringLower(referenceTxHash)}, but the bundle does not carry it: the earlier registration is not proven");
            }

            if (genesis is null || chainHash is null || envelope is null || transactionLeaf is not { } subjectLeaf)
            {
                return Fail("no valid genesis, envelope or position for the transaction itself");
            }

            var failure = PriorFailure(given, referenceTxHash, referenceWorkId, subjectLeaf, genesis, chainHash, out var report);
            if (failure is not null)
            {
                return Fail(failure);
            }

            prior = report;
            var when = report!.BlockTimestampUnixMs is { } ms ? EvidenceReport.FormatUtc(ms) : "?";
            var item = report.BatchItemIndex is { } index ? $", batch item #{index}" : "";
            return Pass($"tx {report.TxHashHex}{item} by member '{report.SignerMemberId}' in block {report.BlockHeight} ({when}), certified by {string.Join(", ", report.AttestingNodeIds)}; accepted; same content, earlier in the log");
        }

        /// <summary>What the rejection names: the transaction's reference, or the item outcome's (prior work id and its transaction).</summary>
        private (byte[] TxHash, byte[] WorkId) Reference()
        {
            if (bundle.BatchItem?.Outcome is { } outcome)
            {
                return (outcome.ReferenceTxHash, outcome.ReferenceWorkId);
            }

            return (bundle.Result.ReferenceTxHash.ToByteArray(), []);
        }

        private string? PriorFailure(
            PriorRegistrationEvidence given, byte[] referenceTxHash, byte[] referenceWorkId, ulong subjectLeaf,
            ConsortiumGenesis consortiumGenesis, IHashAlgorithm hash, out PriorRegistrationReport? report)
        {
            report = null;
            if (!given.TransactionHash.AsSpan().SequenceEqual(referenceTxHash))
            {
                return $"the bundle's earlier registration is tx {Convert.ToHexStringLower(given.TransactionHash)}, the rejection names {Convert.ToHexStringLower(referenceTxHash)}";
            }

            var computed = TransactionHashing.ComputeHash(hash, given.Transaction);
            if (!computed.AsSpan().SequenceEqual(given.TransactionHash))
            {
                return $"its transaction hashes to {Convert.ToHexStringLower(computed)}, not {Convert.ToHexStringLower(given.TransactionHash)}";
            }

            var failure = RegistrationChecks.Header(given.CertifiedHeader, consortiumGenesis, hash);
            if (failure is not null)
            {
                return $"its block header: {failure}";
            }

            var header = given.CertifiedHeader.Header;
            failure = RegistrationChecks.Position(given.BlockHeight, given.Position, given.LogInclusion, header, out var priorLeaf);
            if (failure is not null)
            {
                return $"its position: {failure}";
            }

            if (priorLeaf >= subjectLeaf)
            {
                return $"it is log leaf {priorLeaf}, not before the rejected transaction (leaf {subjectLeaf})";
            }

            // The node set in force for its block, and the member keys at its position.
            LogLeafIndex.TryGet(header, 0, out var blockFirstLeaf);
            var state = StateBefore(blockFirstLeaf, consortiumGenesis);
            var attesters = new List<string>();
            failure = CertifiedHeaderVerifier.Check(given.CertifiedHeader, state, attesters);
            if (failure is not null)
            {
                return $"its block certification: {failure}";
            }

            foreach (var (change, txHash, leaf) in provenChanges.Where(c => c.Leaf >= blockFirstLeaf && c.Leaf < priorLeaf))
            {
                state.Observe(change.BlockHeight, change.Position, change.Transaction, txHash, change.Result);
            }

            var parsed = TransactionEnvelope.Parser.ParseFrom(given.Transaction.Envelope);
            failure = EnvelopeFailure(parsed, consortiumGenesis) ?? SignerFailure(state, parsed, out var key);
            if (failure is not null)
            {
                return $"its signer: {failure}";
            }

            key = state.FindKey(parsed.SignerKeyId.Span)!;
            if (!TransactionSigning.Verify(key.PublicKey, given.Transaction, consortiumGenesis.ChainId))
            {
                return $"its signature does not verify with member '{key.MemberId}''s key";
            }

            failure = RegistrationChecks.Inclusion(given.TransactionHash, given.Result, given.LogInclusion, header, hash);
            if (failure is not null)
            {
                return $"its {failure}";
            }

            if (given.Result.Code != ResultCode.Ok)
            {
                return $"the earlier transaction was not accepted ({given.Result.Code}: {given.Result.Reason})";
            }

            failure = PriorItem(given, parsed, referenceWorkId, hash, out var itemIndex);
            if (failure is not null)
            {
                return failure;
            }

            if (!TryRegisteredContent(parsed, given.BatchItem, out var priorSha256, out var priorSm3)
                || !TryRegisteredContent(envelope!, bundle.BatchItem, out var subjectSha256, out var subjectSm3))
            {
                return "the earlier transaction registers no content";
            }

            var sameSha256 = priorSha256.Length > 0 && priorSha256.AsSpan().SequenceEqual(subjectSha256);
            var sameSm3 = priorSm3 is not null && subjectSm3 is not null && priorSm3.AsSpan().SequenceEqual(subjectSm3);
            if (!sameSha256 && !sameSm3)
            {
                return $"it registered content sha256 {Convert.ToHexStringLower(priorSha256)}, not this registration's {Convert.ToHexStringLower(subjectSha256)}";
            }

            var lines = Describe(parsed);
            if (given.BatchItem is { } item)
            {
                lines.Add($"batch item #{itemIndex} '{item.Item.ItemId}', content sha256 {Convert.ToHexStringLower(item.Item.ContentSha256.Span)}");
            }

            report = new PriorRegistrationReport
            {
                TxHashHex = Convert.ToHexStringLower(given.TransactionHash),
                BatchItemIndex = itemIndex,
                SignerMemberId = key.MemberId,
                SignerRole = state.RoleOf(key.MemberId),
                BlockHeight = given.BlockHeight,
                Position = given.Position,
                BlockTimestampUnixMs = header.TimestampUnixMs,
                AttestingNodeIds = attesters,
                Subject = lines,
            };
            return null;
        }

        /// <summary>A prior batch item must prove into its batch and have been accepted; the work id named must be that item's.</summary>
        private static string? PriorItem(PriorRegistrationEvidence given, TransactionEnvelope parsed, byte[] referenceWorkId, IHashAlgorithm hash, out uint? itemIndex)
        {
            itemIndex = null;
            if (parsed.Type == TransactionType.RegisterWork)
            {
                return given.BatchItem is not null ? "the earlier RegisterWork carries a batch item" : WorkIdFailure(referenceWorkId, given.TransactionHash, 0);
            }

            if (parsed.Type != TransactionType.BatchRegister)
            {
                return $"the earlier transaction is a {TypeName(parsed.Type)}, not a registration";
            }

            if (given.BatchItem is not { } item)
            {
                return "the earlier registration is a batch, but the bundle does not carry its item";
            }

            var body = BatchRegister.Parser.ParseFrom(parsed.Body);
            var decision = LedgerDecision.Rejected;
            var failure = RegistrationChecks.BatchItem(body, item, hash)
                ?? RegistrationChecks.ItemOutcome(given.Result, body, item, hash, out decision, out _);
            if (failure is not null)
            {
                return $"its batch item: {failure}";
            }

            if (decision != LedgerDecision.Accepted)
            {
                return "the earlier batch item was itself rejected";
            }

            itemIndex = (uint)item.ItemProof.LeafIndex;
            return WorkIdFailure(referenceWorkId, given.TransactionHash, itemIndex.Value);
        }

        /// <summary>When the rejection names a work id (tx hash || u32 BE item index), it must be this registration's.</summary>
        private static string? WorkIdFailure(byte[] referenceWorkId, byte[] txHash, uint itemIndex)
        {
            if (referenceWorkId.Length == 0)
            {
                return null;
            }

            var expected = new byte[txHash.Length + sizeof(uint)];
            txHash.CopyTo(expected, 0);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(expected.AsSpan(txHash.Length), itemIndex);
            return referenceWorkId.AsSpan().SequenceEqual(expected)
                ? null
                : $"the rejection names work {Convert.ToHexStringLower(referenceWorkId)}, the bundle's earlier registration is work {Convert.ToHexStringLower(expected)}";
        }

        /// <summary>The consortium after the proven governance changes before log leaf <paramref name="leafLimit"/>.</summary>
        private ConsortiumState StateBefore(ulong leafLimit, ConsortiumGenesis consortiumGenesis)
        {
            var state = new ConsortiumState(consortiumGenesis);
            foreach (var (change, txHash, leaf) in provenChanges)
            {
                if (leaf < leafLimit)
                {
                    state.Observe(change.BlockHeight, change.Position, change.Transaction, txHash, change.Result);
                }
            }

            return state;
        }
    }
}
