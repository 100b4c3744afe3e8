using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Consensus;
using Ledger.Core.Protocol;
using Ledger.Node.Consensus;
using Ledger.Node.Submission;
using Ledger.Node.TestFaults;
using Ledger.Registry.Applying;
using Ledger.Registry.Model;
using Ledger.Registry.Queries;
using Ledger.Registry.Similarity;
using Ledger.Registry.State;

namespace Ledger.Node.Services;

/// <summary>
/// The public registry query service: thin adapters over <see cref="RegistryQueries"/>. Input is
/// checked here so every malformed request gets InvalidArgument with the field named, never an
/// exception from below; unknown records are NotFound and heights past the applied one OutOfRange.
/// <para>
/// <c>as_of_height</c> is the registry's applied height read before the query runs: the answer
/// reflects at least that height. State is not read through a snapshot, so a block applied while
/// a listing runs may show in it as well.
/// </para>
/// </summary>
public sealed class RegistryQueryService(LedgerNode node, NodeRuntimeOptions runtime) : RegistryQuery.RegistryQueryBase
{
    /// <summary>Items per page (and similar-work matches) when the request leaves the size at 0.</summary>
    public const int PageSizeDefault = 100;

    /// <summary>Bounded by what the registry will scan in one page.</summary>
    public const int PageSizeMax = RegistryLimits.QueryPageSizeMax;

    public const int SimilarLimitMax = RegistryLimits.SimilarWorksResultsMax;

    private const int HistoryTokenBytes = sizeof(ulong) + sizeof(uint);

    private readonly RegistryQueries queries = new(node.RegistryState, node.Chain.RegistryOptions);

    public override async Task<GetWorkResponse> GetWork(GetWorkRequest request, ServerCallContext context)
    {
        RequireWorkId(request.WorkId, "work_id");
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var work = queries.GetWork(request.WorkId.Span) ?? throw NotFound("work", request.WorkId, asOf);
        return new GetWorkResponse { Work = work, AsOfHeight = asOf };
    }

    public override async Task<GetWorkResponse> FindByContentHash(FindByContentHashRequest request, ServerCallContext context)
    {
        var hasSha256 = !request.Sha256.IsEmpty;
        var hasSm3 = !request.Sm3.IsEmpty;
        if (hasSha256 == hasSm3)
        {
            throw Invalid("exactly one of sha256 and sm3 must be set");
        }

        var (algorithm, hash, field) = hasSha256 ? (ContentHashAlgorithm.Sha256, request.Sha256, "sha256") : (ContentHashAlgorithm.Sm3, request.Sm3, "sm3");
        RequireHash(hash, field);
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var work = queries.FindByContentHash(algorithm, hash.Span)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no work registered with {field} {Convert.ToHexStringLower(hash.Span)} (as of height {asOf})"));
        return new GetWorkResponse { Work = work, AsOfHeight = asOf };
    }

    public override async Task<ListWorksResponse> ListWorksByOwner(ListWorksByOwnerRequest request, ServerCallContext context)
    {
        RequireHolder(request.Holder);
        var pageSize = PageSize(request.PageSize, "page_size");
        var token = PageToken(request.PageToken, WorkIds.WorkIdBytes);
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var page = queries.GetWorksByOwner(request.Holder, token, pageSize);
        var response = new ListWorksResponse { AsOfHeight = asOf, NextPageToken = Token(page.NextPageToken) };
        response.Works.AddRange(page.Items);
        return response;
    }

    public override async Task<GetWorkHistoryResponse> GetWorkHistory(GetWorkHistoryRequest request, ServerCallContext context)
    {
        RequireWorkId(request.WorkId, "work_id");
        var pageSize = PageSize(request.PageSize, "page_size");
        var token = PageToken(request.PageToken, HistoryTokenBytes);
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        if (queries.GetWork(request.WorkId.Span) is null)
        {
            throw NotFound("work", request.WorkId, asOf);
        }

        var page = queries.GetWorkHistory(request.WorkId.Span, token, pageSize);
        var response = new GetWorkHistoryResponse { AsOfHeight = asOf, NextPageToken = Token(page.NextPageToken) };
        response.Events.AddRange(page.Items);
        return response;
    }

    public override async Task<GetLicenseResponse> GetLicense(GetRecordRequest request, ServerCallContext context)
    {
        RequireHash(request.Id, "id");
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var license = queries.GetLicense(request.Id.Span) ?? throw NotFound("licence", request.Id, asOf);
        return new GetLicenseResponse { License = license, AsOfHeight = asOf };
    }

    public override async Task<GetClaimResponse> GetClaim(GetRecordRequest request, ServerCallContext context)
    {
        RequireHash(request.Id, "id");
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var claim = queries.GetClaim(request.Id.Span) ?? throw NotFound("claim", request.Id, asOf);
        return new GetClaimResponse { Claim = claim, AsOfHeight = asOf };
    }

    public override async Task<GetEvidenceResponse> GetEvidence(GetRecordRequest request, ServerCallContext context)
    {
        RequireHash(request.Id, "id");
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var evidence = queries.GetEvidence(request.Id.Span) ?? throw NotFound("evidence", request.Id, asOf);
        return new GetEvidenceResponse { Evidence = evidence, AsOfHeight = asOf };
    }

    public override async Task<GetBatchOutcomeResponse> GetBatchOutcome(GetRecordRequest request, ServerCallContext context)
    {
        RequireHash(request.Id, "id");
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var outcome = queries.GetBatchOutcome(request.Id.Span) ?? throw NotFound("batch outcome", request.Id, asOf);
        return new GetBatchOutcomeResponse { Outcome = outcome, AsOfHeight = asOf };
    }

    public override async Task<ListClaimsResponse> ListClaimsByWork(ListClaimsByWorkRequest request, ServerCallContext context)
    {
        RequireWorkId(request.WorkId, "work_id");
        var pageSize = PageSize(request.PageSize, "page_size");
        var token = PageToken(request.PageToken, RegistryLimits.HashBytes);
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        if (queries.GetWork(request.WorkId.Span) is null)
        {
            throw NotFound("work", request.WorkId, asOf);
        }

        var page = queries.GetClaimsByWork(request.WorkId.Span, token, pageSize);
        var response = new ListClaimsResponse { AsOfHeight = asOf, NextPageToken = Token(page.NextPageToken) };
        response.Claims.AddRange(page.Items);
        return response;
    }

    public override async Task<ListClaimsResponse> ListClaimsByStatus(ListClaimsByStatusRequest request, ServerCallContext context)
    {
        if (request.Status is ClaimStatus.Unspecified || !Enum.IsDefined(request.Status))
        {
            throw Invalid($"status must be a defined claim status other than UNSPECIFIED, was {(int)request.Status}");
        }

        var pageSize = PageSize(request.PageSize, "page_size");
        var token = PageToken(request.PageToken, RegistryLimits.HashBytes);
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var page = queries.GetClaimsByStatus(request.Status, token, pageSize);
        var response = new ListClaimsResponse { AsOfHeight = asOf, NextPageToken = Token(page.NextPageToken) };
        response.Claims.AddRange(page.Items);
        return response;
    }

    public override async Task<GetProposalResponse> GetProposal(GetRecordRequest request, ServerCallContext context)
    {
        RequireHash(request.Id, "id");
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var proposal = queries.GetProposal(request.Id.Span) ?? throw NotFound("proposal", request.Id, asOf);
        return new GetProposalResponse { Proposal = proposal, AsOfHeight = asOf };
    }

    public override async Task<GetKeyResponse> GetKey(GetKeyRequest request, ServerCallContext context)
    {
        if (request.KeyId.Length is 0 or > RegistryLimits.KeyIdBytesMax)
        {
            throw Invalid($"key_id must be 1..{RegistryLimits.KeyIdBytesMax} bytes, was {request.KeyId.Length}");
        }

        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var key = queries.GetKey(request.KeyId.Span) ?? throw NotFound("key", request.KeyId, asOf);
        return new GetKeyResponse { Key = key, AsOfHeight = asOf };
    }

    public override async Task<GetMembersAtResponse> GetMembersAt(GetMembersAtRequest request, ServerCallContext context)
    {
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        if (request.Height > asOf)
        {
            throw new RpcException(new Status(StatusCode.OutOfRange, $"height {request.Height} is beyond the applied height {asOf}"));
        }

        var response = new GetMembersAtResponse { Height = request.Height, AsOfHeight = asOf };
        foreach (var member in queries.GetMembersAt(request.Height))
        {
            var snapshot = new MemberSnapshot { MemberId = member.MemberId, DisplayName = member.DisplayName, Role = member.Role, Active = member.Active };
            snapshot.ValidKeys.AddRange(member.ValidKeys);
            response.Members.Add(snapshot);
        }

        return response;
    }

    public override async Task<GetNodesResponse> GetNodes(GetNodesRequest request, ServerCallContext context)
    {
        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        var response = new GetNodesResponse { AsOfHeight = asOf };
        response.Nodes.AddRange(request.HasHeight ? queries.GetNodesAt(request.Height) : queries.GetNodes());
        return response;
    }

    public override async Task<FindSimilarWorksResponse> FindSimilarWorks(FindSimilarWorksRequest request, ServerCallContext context)
    {
        if (request.MaxDistance > RegistryLimits.PerceptualHashDistanceMax)
        {
            throw Invalid($"max_distance must be at most {RegistryLimits.PerceptualHashDistanceMax} bits, was {request.MaxDistance}");
        }

        var limit = request.Limit == 0 ? PageSizeDefault : (int)Math.Min(request.Limit, int.MaxValue);
        if (limit > SimilarLimitMax)
        {
            throw Invalid($"limit must be at most {SimilarLimitMax}, was {request.Limit}");
        }

        var asOf = await BeginReadAsync(request.Consistency, context).ConfigureAwait(false);
        SimilarWorksResult result;
        try
        {
            result = queries.FindSimilarWorks(request.PerceptualHash, (int)request.MaxDistance, limit);
        }
        catch (SimilarityIndexUnavailableException e)
        {
            // Rebuilding after a snapshot install, or too far behind: the message names the progress; retry later.
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }

        var response = new FindSimilarWorksResponse { Truncated = result.Truncated, AsOfHeight = asOf };
        foreach (var match in result.Matches)
        {
            response.Matches.Add(new SimilarWorkMatch
            {
                WorkId = ByteString.CopyFrom(match.WorkId),
                PerceptualHash = match.PerceptualHash,
                Distance = (uint)match.Distance,
                Work = queries.GetWork(match.WorkId),
            });
        }

        return response;
    }

    /// <summary>Honours the requested consistency, then returns the applied height the read starts from.</summary>
    private async Task<ulong> BeginReadAsync(ReadConsistency consistency, ServerCallContext context)
    {
        node.ThrowIfNotServing();
        if (consistency is not (ReadConsistency.Unspecified or ReadConsistency.Local or ReadConsistency.Linearizable))
        {
            throw Invalid($"consistency {(int)consistency} is not a known ReadConsistency");
        }

        // TEST ONLY: the planted bug local-read-as-linearizable skips the ReadIndex round (a stale answer passes as linearizable).
        if (consistency == ReadConsistency.Linearizable && !node.TestBugs.IsOn(TestBug.LocalReadAsLinearizable))
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
            if (context.Deadline == DateTime.MaxValue)
            {
                deadline.CancelAfter(runtime.SubmitTimeout);
            }

            try
            {
                await node.Driver.ReadBarrierAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (ReadNotPossibleException e)
            {
                var detail = $"linearizable read not possible now ({e.Reason}); retry or read with LOCAL consistency";
                throw e.Reason == ProposalDropReason.NoLeader ? LeaderRedirect.NoLeader(detail) : new RpcException(new Status(StatusCode.Unavailable, detail));
            }
            catch (DriverBusyException e)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"{e.Message}; retry later"));
            }
            catch (OperationCanceledException)
            {
                throw new RpcException(new Status(StatusCode.DeadlineExceeded, "no quorum confirmed the read before the deadline"));
            }
        }

        return queries.AppliedHeight;
    }

    private static int PageSize(uint requested, string field)
    {
        if (requested > PageSizeMax)
        {
            throw Invalid($"{field} must be at most {PageSizeMax}, was {requested}");
        }

        return requested == 0 ? PageSizeDefault : (int)requested;
    }

    private static byte[]? PageToken(ByteString token, int expectedBytes)
    {
        if (token.IsEmpty)
        {
            return null;
        }

        if (token.Length != expectedBytes)
        {
            throw Invalid($"page_token is not a token this query issued ({token.Length} bytes, expected {expectedBytes})");
        }

        return token.ToByteArray();
    }

    private static ByteString Token(byte[]? next) => next is null ? ByteString.Empty : ByteString.CopyFrom(next);

    private static void RequireWorkId(ByteString workId, string field)
    {
        if (workId.Length != WorkIds.WorkIdBytes)
        {
            throw Invalid($"{field} must be {WorkIds.WorkIdBytes} bytes (transaction hash || item index), was {workId.Length}");
        }
    }

    private static void RequireHash(ByteString hash, string field)
    {
        if (hash.Length != RegistryLimits.HashBytes)
        {
            throw Invalid($"{field} must be a {RegistryLimits.HashBytes}-byte hash, was {hash.Length} bytes");
        }
    }

    private static void RequireHolder(RightsHolder? holder)
    {
        switch (holder?.HolderCase)
        {
            case RightsHolder.HolderOneofCase.MemberId:
                RequireText(holder.MemberId, RegistryLimits.MemberIdBytesMax, "holder.member_id");
                break;
            case RightsHolder.HolderOneofCase.External:
                RequireText(holder.External.Identifier, RegistryLimits.ExternalHolderIdentifierBytesMax, "holder.external.identifier");
                break;
            default:
                throw Invalid("holder must name a member_id or an external holder");
        }
    }

    private static void RequireText(string text, int bytesMax, string field)
    {
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes is 0 || bytes > bytesMax)
        {
            throw Invalid($"{field} must be 1..{bytesMax} UTF-8 bytes, was {bytes}");
        }
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));

    private static RpcException NotFound(string what, ByteString id, ulong asOf) =>
        new(new Status(StatusCode.NotFound, $"no {what} {Convert.ToHexStringLower(id.Span)} (as of height {asOf})"));
}
