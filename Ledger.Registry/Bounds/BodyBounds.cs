using Google.Protobuf;
using Ledger.Core.Consortium;
using Ledger.Core.Protocol;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;

namespace Ledger.Registry.Bounds;

/// <summary>A body outside its bounds: the reason the rules record, and a detail naming the field and the bound.</summary>
public readonly record struct BoundViolation(RejectionReason Reason, string Detail);

/// <summary>
/// The bounds of every field of every transaction body, checked without state: required fields,
/// identifiers, UTF-8 lengths, hash and id sizes, list sizes and duplicates, enum values, signs of
/// numbers, and governance keys (<see cref="GovernanceKeys"/>). One function per body, used by both
/// the door (which refuses with InvalidArgument) and the rules (which record the same reason), so the
/// two cannot drift. Bounds themselves are named in <see cref="RegistryLimits"/>. What depends on
/// state (does the work exist, is the member active) or on the block (claimed times against the block
/// time) is the rules' alone.
/// </summary>
public static class BodyBounds
{
    /// <summary>The body parsed and within its bounds, or why not (MalformedBody when it does not parse).</summary>
    /// <param name="chainSuite">The chain's suite name (governance keys and SM3 hashes depend on it).</param>
    public static BoundViolation? Validate(TransactionType type, ByteString body, string chainSuite) =>
        Validate(type, body, chainSuite, out _);

    /// <param name="parsed">The parsed body when it is within bounds (null for an Anchor, whose body is opaque).</param>
    public static BoundViolation? Validate(TransactionType type, ByteString body, string chainSuite, out IMessage? parsed)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(chainSuite);
        try
        {
            parsed = ParseAndCheck(type, body, chainSuite, parsed: null);
            return null;
        }
        catch (RuleViolationException violation)
        {
            parsed = null;
            return new BoundViolation(violation.Reason, violation.Detail);
        }
    }

    /// <summary>Parses <paramref name="body"/> as the message <paramref name="type"/> names (unless given) and checks its bounds.</summary>
    /// <exception cref="RuleViolationException">The body does not parse, or a field is out of bounds.</exception>
    internal static IMessage? ParseAndCheck(TransactionType type, ByteString body, string chainSuite, IMessage? parsed)
    {
        if (body.Length > RegistryLimits.TransactionBodyBytesMax)
        {
            throw Check.Fail(RejectionReason.LimitExceeded, $"body is {body.Length} bytes, more than {nameof(RegistryLimits.TransactionBodyBytesMax)}={RegistryLimits.TransactionBodyBytesMax}");
        }

        switch (type)
        {
            case TransactionType.RegisterWork:
                var register = parsed as RegisterWork ?? BodyParser.Parse(RegisterWork.Parser, body);
                Within(register, chainSuite);
                return register;
            case TransactionType.BatchRegister:
                var batch = BodyParser.Parse(BatchRegister.Parser, body);
                Within(batch);
                return batch;
            case TransactionType.TransferOwnership:
                var transfer = BodyParser.Parse(TransferOwnership.Parser, body);
                Within(transfer);
                return transfer;
            case TransactionType.GrantLicense:
                var grant = BodyParser.Parse(GrantLicense.Parser, body);
                Within(grant);
                return grant;
            case TransactionType.RevokeLicense:
                var revoke = BodyParser.Parse(RevokeLicense.Parser, body);
                Within(revoke);
                return revoke;
            case TransactionType.FileClaim:
                var file = BodyParser.Parse(FileClaim.Parser, body);
                Within(file);
                return file;
            case TransactionType.RespondToClaim:
                var respond = BodyParser.Parse(RespondToClaim.Parser, body);
                Within(respond);
                return respond;
            case TransactionType.ResolveClaim:
                var resolve = BodyParser.Parse(ResolveClaim.Parser, body);
                Within(resolve);
                return resolve;
            case TransactionType.PreserveEvidence:
                var preserve = BodyParser.Parse(PreserveEvidence.Parser, body);
                Within(preserve);
                return preserve;
            case TransactionType.RecordJudgment:
                var judgment = BodyParser.Parse(RecordJudgment.Parser, body);
                Within(judgment);
                return judgment;
            case TransactionType.ProposeChange:
                var propose = BodyParser.Parse(ProposeChange.Parser, body);
                Within(propose, chainSuite);
                return propose;
            case TransactionType.Vote:
                var vote = BodyParser.Parse(Vote.Parser, body);
                Within(vote);
                return vote;
            case TransactionType.Anchor:
                // Opaque payload: only its size is bounded.
                return null;
            default:
                throw Check.Fail(RejectionReason.UnsupportedTransactionType, $"transaction type {(int)type} is not a registry transaction");
        }
    }

    internal static void Within(RegisterWork body, string chainSuite)
    {
        CheckContentHash(body.ContentHash, chainSuite);
        Check.Defined(body.MediaType, "media_type");
        Check.RequiredUtf8Max(body.Title, RegistryLimits.TitleBytesMax, "title", nameof(RegistryLimits.TitleBytesMax));
        if (body.HasPerceptualHash && !AllowsPerceptualHash(body.MediaType))
        {
            throw Check.Fail(RejectionReason.InvalidField, $"perceptual_hash is only for images and product listings, not {body.MediaType}");
        }

        CheckMetadata(body.Metadata);
        Holders.CheckShape(body.RightsHolder, "rights_holder");
        Check.NotNegative(body.ClaimedCreationUnixMs, "claimed_creation_unix_ms");
    }

    /// <remarks>The items are detached; <see cref="DetachedItemsBounds"/> checks them against this body.</remarks>
    internal static void Within(BatchRegister body)
    {
        if (body.Items.Count != 0)
        {
            throw Check.Fail(RejectionReason.MalformedTransaction, $"items carries {body.Items.Count} items inside the signed body; a BatchRegister's items travel in the transaction's detached_items and the body signs only merkle_root and item_count");
        }

        if (body.ItemCount == 0)
        {
            throw Check.Fail(RejectionReason.MissingField, "item_count is required (a batch has at least one item)");
        }

        if (body.ItemCount > RegistryLimits.BatchItemsMax)
        {
            throw Check.Fail(RejectionReason.LimitExceeded, $"item_count is {body.ItemCount}, more than {nameof(RegistryLimits.BatchItemsMax)}={RegistryLimits.BatchItemsMax}");
        }

        Check.Defined(body.MediaType, "media_type");
        Holders.CheckShape(body.RightsHolder, "rights_holder");
        Check.Hash(body.MerkleRoot, "merkle_root");
    }

    internal static void Within(TransferOwnership body)
    {
        Check.Id(body.WorkId, WorkIds.WorkIdBytes, "work_id");
        Holders.CheckShape(body.NewHolder, "new_holder");
    }

    internal static void Within(GrantLicense body)
    {
        Check.Id(body.WorkId, WorkIds.WorkIdBytes, "work_id");
        Holders.CheckShape(body.Licensee, "licensee");
        Check.RequiredUtf8Max(body.Scope, RegistryLimits.LicenseScopeBytesMax, "scope", nameof(RegistryLimits.LicenseScopeBytesMax));
        Check.RequiredUtf8Max(body.Territory, RegistryLimits.LicenseTerritoryBytesMax, "territory", nameof(RegistryLimits.LicenseTerritoryBytesMax));
        Check.NotNegative(body.StartUnixMs, "start_unix_ms");
        if (body.EndUnixMs != 0 && body.EndUnixMs <= body.StartUnixMs)
        {
            throw Check.Fail(RejectionReason.InvalidField, $"end_unix_ms {body.EndUnixMs} is not after start_unix_ms {body.StartUnixMs} (0 means perpetual)");
        }
    }

    internal static void Within(RevokeLicense body)
    {
        Check.Id(body.LicenseId, RegistryLimits.HashBytes, "license_id");
        Check.Utf8Max(body.Reason, RegistryLimits.NoteBytesMax, "reason", nameof(RegistryLimits.NoteBytesMax));
    }

    internal static void Within(FileClaim body)
    {
        Check.Id(body.WorkId, WorkIds.WorkIdBytes, "work_id");
        Check.RequiredUtf8Max(body.InfringingItemId, RegistryLimits.ItemIdBytesMax, "infringing_item_id", nameof(RegistryLimits.ItemIdBytesMax));
        Check.Hash(body.InfringingContentSha256, "infringing_content_sha256");
        Check.Hashes(body.EvidenceHashes, "evidence_hashes");
        if (body.AccusedMemberId.Length > 0)
        {
            Check.Identifier(body.AccusedMemberId, "accused_member_id");
        }
    }

    internal static void Within(RespondToClaim body)
    {
        Check.Id(body.ClaimId, RegistryLimits.HashBytes, "claim_id");
        Check.Hash(body.StatementHash, "statement_hash");
        Check.Hashes(body.EvidenceHashes, "evidence_hashes");
    }

    internal static void Within(ResolveClaim body)
    {
        Check.Id(body.ClaimId, RegistryLimits.HashBytes, "claim_id");
        Check.Defined(body.Resolution, "resolution");
        Check.Utf8Max(body.Note, RegistryLimits.NoteBytesMax, "note", nameof(RegistryLimits.NoteBytesMax));
    }

    internal static void Within(PreserveEvidence body)
    {
        Check.OptionalId(body.ClaimId, RegistryLimits.HashBytes, "claim_id");
        Check.Hash(body.MaterialHash, "material_hash");
        if (body.CaptureUnixMs == 0)
        {
            throw Check.Fail(RejectionReason.MissingField, "capture_unix_ms is required");
        }

        Check.NotNegative(body.CaptureUnixMs, "capture_unix_ms");
        Check.Defined(body.Method, "method");
        Check.Utf8Max(body.Description, RegistryLimits.DescriptionBytesMax, "description", nameof(RegistryLimits.DescriptionBytesMax));
    }

    internal static void Within(RecordJudgment body)
    {
        Check.Id(body.ClaimId, RegistryLimits.HashBytes, "claim_id");
        Check.Defined(body.Ruling, "ruling");
        Check.Hash(body.JudgmentDocumentHash, "judgment_document_hash");
        Check.RequiredUtf8Max(body.CaseNumber, RegistryLimits.CaseNumberBytesMax, "case_number", nameof(RegistryLimits.CaseNumberBytesMax));
    }

    internal static void Within(ProposeChange body, string chainSuite)
    {
        Check.Utf8Max(body.Rationale, RegistryLimits.RationaleBytesMax, "rationale", nameof(RegistryLimits.RationaleBytesMax));
        CheckChange(body, chainSuite);
    }

    /// <summary>The change's own fields; also run before a stored proposal executes (see ChangeExecution).</summary>
    /// <summary>A member key of <paramref name="role"/>: see <see cref="GovernanceKeys.MemberKeySuite"/>.</summary>
    internal static void CheckMemberKey(MemberPublicKey? key, MemberRole role, string chainSuite, string field)
    {
        var required = GovernanceKeys.MemberKeySuite(role, chainSuite);
        GovernanceKeys.Check(key, required, field, role == MemberRole.Witness ? "the witness key suite" : "this chain's suite");
    }

    internal static void CheckChange(ProposeChange body, string chainSuite)
    {
        switch (body.ChangeCase)
        {
            case ProposeChange.ChangeOneofCase.AddMember:
                var add = body.AddMember;
                Check.Identifier(add.MemberId, "add_member.member_id");
                Check.Utf8Max(add.DisplayName, RegistryLimits.DisplayNameBytesMax, "add_member.display_name", nameof(RegistryLimits.DisplayNameBytesMax));
                Check.Defined(add.Role, "add_member.role");
                if (add.Keys.Count == 0)
                {
                    throw Check.Fail(RejectionReason.MissingField, "add_member.keys is empty");
                }

                Check.CountMax(add.Keys.Count, RegistryLimits.KeysPerMemberMax, "add_member.keys", nameof(RegistryLimits.KeysPerMemberMax));
                var publicKeys = new List<ByteString>(add.Keys.Count);
                for (var i = 0; i < add.Keys.Count; i++)
                {
                    CheckMemberKey(add.Keys[i], add.Role, chainSuite, $"add_member.keys[{i}]");
                    publicKeys.Add(add.Keys[i].PublicKey);
                }

                Check.Distinct(publicKeys, "add_member.keys");
                break;
            case ProposeChange.ChangeOneofCase.RemoveMember:
                Check.Identifier(body.RemoveMember.MemberId, "remove_member.member_id");
                break;
            case ProposeChange.ChangeOneofCase.ChangeRole:
                Check.Identifier(body.ChangeRole.MemberId, "change_role.member_id");
                Check.Defined(body.ChangeRole.Role, "change_role.role");
                break;
            case ProposeChange.ChangeOneofCase.RotateKey:
                var rotate = body.RotateKey;
                Check.Identifier(rotate.MemberId, "rotate_key.member_id");
                if (rotate.OldKeyId.IsEmpty && rotate.NewKey is null)
                {
                    throw Check.Fail(RejectionReason.MissingField, "rotate_key needs old_key_id, new_key or both");
                }

                if (rotate.OldKeyId.Length > RegistryLimits.KeyIdBytesMax)
                {
                    throw Check.Fail(RejectionReason.InvalidField, $"rotate_key.old_key_id is {rotate.OldKeyId.Length} bytes, longer than any key id ({nameof(RegistryLimits.KeyIdBytesMax)}={RegistryLimits.KeyIdBytesMax})");
                }

                if (rotate.NewKey is not null)
                {
                    // Stateless here (the member's role is not known): either suite a member key may
                    // have; ChangeExecution then requires the one of the member's role.
                    var asWitness = rotate.NewKey.Suite == WitnessRole.KeySuite;
                    CheckMemberKey(rotate.NewKey, asWitness ? MemberRole.Witness : MemberRole.Unspecified, chainSuite, "rotate_key.new_key");
                }

                break;
            case ProposeChange.ChangeOneofCase.AddNode:
                var node = body.AddNode;
                Check.Identifier(node.NodeId, "add_node.node_id");
                Check.RequiredUtf8Max(node.Address, RegistryLimits.NodeAddressBytesMax, "add_node.address", nameof(RegistryLimits.NodeAddressBytesMax));
                GovernanceKeys.Check(node.Key, chainSuite, "add_node.key");
                break;
            case ProposeChange.ChangeOneofCase.RemoveNode:
                Check.Identifier(body.RemoveNode.NodeId, "remove_node.node_id");
                break;
            case ProposeChange.ChangeOneofCase.ChangeThreshold:
                if (body.ChangeThreshold.Threshold > RegistryLimits.AdminsMax)
                {
                    throw Check.Fail(RejectionReason.ThresholdUnreachable, $"change_threshold.threshold {body.ChangeThreshold.Threshold} exceeds {nameof(RegistryLimits.AdminsMax)}={RegistryLimits.AdminsMax}");
                }

                break;
            default:
                throw Check.Fail(RejectionReason.MissingField, "change is required");
        }
    }

    internal static void Within(Vote body) => Check.Id(body.ProposalId, RegistryLimits.HashBytes, "proposal_id");

    public static bool AllowsPerceptualHash(MediaType mediaType) => mediaType is MediaType.Image or MediaType.ProductListing;

    /// <summary>The suite's content-hash policy (<see cref="ContentHashPolicy"/>, shared with the CLI's pre-signing check).</summary>
    private static void CheckContentHash(ContentHash? hash, string chainSuite)
    {
        if (hash is null)
        {
            throw Check.Fail(RejectionReason.MissingField, "content_hash is required");
        }

        if (ContentHashPolicy.Check(chainSuite, hash.Sha256.Span, hash.Sm3.Span) is { } problem)
        {
            var reason = problem.Kind == ContentHashProblemKind.Missing ? RejectionReason.MissingField : RejectionReason.InvalidField;
            throw Check.Fail(reason, problem.Message);
        }
    }

    private static void CheckMetadata(IReadOnlyList<MetadataEntry> metadata)
    {
        Check.CountMax(metadata.Count, RegistryLimits.MetadataEntriesMax, "metadata", nameof(RegistryLimits.MetadataEntriesMax));
        var totalBytes = 0;
        for (var i = 0; i < metadata.Count; i++)
        {
            var entry = metadata[i];
            Check.RequiredUtf8Max(entry.Key, RegistryLimits.MetadataKeyBytesMax, $"metadata[{i}].key", nameof(RegistryLimits.MetadataKeyBytesMax));
            Check.Utf8Max(entry.Value, RegistryLimits.MetadataValueBytesMax, $"metadata[{i}].value", nameof(RegistryLimits.MetadataValueBytesMax));
            if (i > 0 && string.CompareOrdinal(metadata[i - 1].Key, entry.Key) >= 0)
            {
                throw Check.Fail(RejectionReason.InvalidField, $"metadata keys must be unique and in ordinal order; {OutsideValue.Quote(entry.Key)} follows {OutsideValue.Quote(metadata[i - 1].Key)}");
            }

            totalBytes += System.Text.Encoding.UTF8.GetByteCount(entry.Key) + System.Text.Encoding.UTF8.GetByteCount(entry.Value);
        }

        if (totalBytes > RegistryLimits.MetadataBytesMax)
        {
            throw Check.Fail(RejectionReason.LimitExceeded, $"metadata is {totalBytes} bytes, more than {nameof(RegistryLimits.MetadataBytesMax)}={RegistryLimits.MetadataBytesMax}");
        }
    }
}
