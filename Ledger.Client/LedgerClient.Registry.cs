using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Ledger.Core.Protocol;

namespace Ledger.Client;

/// <summary>
/// Registry queries (the node's <c>RegistryQuery</c> service), with the same failover, leader
/// redirects and retries as every other call. Unknown records surface as <see cref="RpcException"/>
/// with <see cref="StatusCode.NotFound"/>; malformed input as <see cref="StatusCode.InvalidArgument"/>.
/// Registry answers are the node's word: unlike receipts they carry no proof.
/// </summary>
public sealed partial class LedgerClient
{
    /// <summary>Page size the enumerating helpers ask for (the server allows up to 1000).</summary>
    public const int RegistryPageSize = 500;

    /// <summary>The work registered as <paramref name="workId"/> (NotFound when there is none).</summary>
    public Task<GetWorkResponse> GetWorkAsync(byte[] workId, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new GetWorkRequest { WorkId = ByteString.CopyFrom(workId), Consistency = consistency };
        return Registry((api, call) => api.GetWorkAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The work registered with this content hash (SHA-256, or SM3 with <paramref name="sm3"/>).</summary>
    public Task<GetWorkResponse> FindByContentHashAsync(byte[] contentHash, bool sm3 = false, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var hash = ByteString.CopyFrom(contentHash);
        var request = sm3
            ? new FindByContentHashRequest { Sm3 = hash, Consistency = consistency }
            : new FindByContentHashRequest { Sha256 = hash, Consistency = consistency };
        return Registry((api, call) => api.FindByContentHashAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>
    /// The work registered with this content, looked up by the hash the consortium's suite requires
    /// (SM3 on sm2-sm3, SHA-256 otherwise; <see cref="ContentHashPolicy"/>) and, when no work has
    /// that one, by the other hash <paramref name="hash"/> carries (a batch item on an SM consortium
    /// is indexed by SHA-256 only). Without a genesis the suite is unknown: SHA-256 first.
    /// </summary>
    public async Task<GetWorkResponse> FindByContentAsync(ContentHash hash, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var sm3First = Genesis is { } genesis && ContentHashPolicy.RequiresSm3(genesis.Suite);
        var lookups = new List<FindByContentHashRequest>(2);
        foreach (var bySm3 in sm3First ? new[] { true, false } : [false, true])
        {
            var value = bySm3 ? hash.Sm3 : hash.Sha256;
            if (!value.IsEmpty)
            {
                lookups.Add(bySm3 ? new FindByContentHashRequest { Sm3 = value, Consistency = consistency } : new FindByContentHashRequest { Sha256 = value, Consistency = consistency });
            }
        }

        if (lookups.Count == 0)
        {
            throw new ArgumentException("the content hash carries neither SHA-256 nor SM3", nameof(hash));
        }

        for (var i = 0; ; i++)
        {
            var request = lookups[i];
            try
            {
                return await Registry((api, call) => api.FindByContentHashAsync(request, call).ResponseAsync, cancellation).ConfigureAwait(false);
            }
            catch (RpcException notFound) when (notFound.StatusCode == StatusCode.NotFound && i + 1 < lookups.Count)
            {
                // Not registered under this hash: try the other one.
            }
        }
    }

    /// <summary>One page of the works a member owns (<see cref="ListWorksByOwnerRequest.PageToken"/> for the next).</summary>
    public Task<ListWorksResponse> ListWorksByOwnerAsync(ListWorksByOwnerRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Registry((api, call) => api.ListWorksByOwnerAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>One page of a work's history; pass the response's next_page_token back for the next.</summary>
    public Task<GetWorkHistoryResponse> GetWorkHistoryAsync(GetWorkHistoryRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Registry((api, call) => api.GetWorkHistoryAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>Every event of a work's history in chain order, fetched page by page.</summary>
    public async IAsyncEnumerable<WorkEvent> ReadWorkHistoryAsync(byte[] workId, ReadConsistency consistency = ReadConsistency.Local, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var request = new GetWorkHistoryRequest { WorkId = ByteString.CopyFrom(workId), PageSize = RegistryPageSize, Consistency = consistency };
        while (true)
        {
            var page = await GetWorkHistoryAsync(request, cancellation).ConfigureAwait(false);
            foreach (var workEvent in page.Events)
            {
                yield return workEvent;
            }

            if (page.NextPageToken.IsEmpty)
            {
                yield break;
            }

            // Later pages need not be linearizable again: the first page fixed the starting point.
            request = new GetWorkHistoryRequest { WorkId = request.WorkId, PageSize = RegistryPageSize, PageToken = page.NextPageToken };
        }
    }

    /// <summary>The licence <paramref name="licenseId"/> (NotFound when there is none).</summary>
    public Task<GetLicenseResponse> GetLicenseAsync(byte[] licenseId, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = Record(licenseId, consistency);
        return Registry((api, call) => api.GetLicenseAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The claim <paramref name="claimId"/> with its status (NotFound when there is none).</summary>
    public Task<GetClaimResponse> GetClaimAsync(byte[] claimId, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = Record(claimId, consistency);
        return Registry((api, call) => api.GetClaimAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The preserved evidence record <paramref name="evidenceId"/> (NotFound when there is none).</summary>
    public Task<GetEvidenceResponse> GetEvidenceAsync(byte[] evidenceId, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = Record(evidenceId, consistency);
        return Registry((api, call) => api.GetEvidenceAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The per-item outcomes of an accepted BatchRegister (by its transaction hash).</summary>
    public Task<GetBatchOutcomeResponse> GetBatchOutcomeAsync(byte[] batchTxHash, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = Record(batchTxHash, consistency);
        return Registry((api, call) => api.GetBatchOutcomeAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>One page of the claims filed against a work.</summary>
    public Task<ListClaimsResponse> ListClaimsByWorkAsync(ListClaimsByWorkRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Registry((api, call) => api.ListClaimsByWorkAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>One page of the claims in one status.</summary>
    public Task<ListClaimsResponse> ListClaimsByStatusAsync(ListClaimsByStatusRequest request, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Registry((api, call) => api.ListClaimsByStatusAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The governance proposal <paramref name="proposalId"/> with its votes (NotFound when there is none).</summary>
    public Task<GetProposalResponse> GetProposalAsync(byte[] proposalId, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = Record(proposalId, consistency);
        return Registry((api, call) => api.GetProposalAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The member key with key id <paramref name="keyId"/>, its member and validity (NotFound when unknown).</summary>
    public Task<GetKeyResponse> GetKeyAsync(byte[] keyId, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new GetKeyRequest { KeyId = ByteString.CopyFrom(keyId), Consistency = consistency };
        return Registry((api, call) => api.GetKeyAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>Members, roles and valid keys at the end of block <paramref name="height"/> (0 = genesis).</summary>
    public Task<GetMembersAtResponse> GetMembersAtAsync(ulong height, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new GetMembersAtRequest { Height = height, Consistency = consistency };
        return Registry((api, call) => api.GetMembersAtAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The consortium's current node set (ids, keys, voters and learners).</summary>
    public Task<GetNodesResponse> GetNodesAsync(ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new GetNodesRequest { Consistency = consistency };
        return Registry((api, call) => api.GetNodesAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>The nodes in force at the end of block <paramref name="height"/> (0 = genesis), with when each was added and removed.</summary>
    public Task<GetNodesResponse> GetNodesAtAsync(ulong height, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new GetNodesRequest { Consistency = consistency, Height = height };
        return Registry((api, call) => api.GetNodesAsync(request, call).ResponseAsync, cancellation);
    }

    /// <summary>Works within <paramref name="maxDistance"/> bits (≤ 8) of <paramref name="perceptualHash"/>, nearest first; <paramref name="limit"/> 0 = the server default.</summary>
    public Task<FindSimilarWorksResponse> FindSimilarWorksAsync(ulong perceptualHash, uint maxDistance, uint limit = 0, ReadConsistency consistency = ReadConsistency.Local, CancellationToken cancellation = default)
    {
        var request = new FindSimilarWorksRequest { PerceptualHash = perceptualHash, MaxDistance = maxDistance, Limit = limit, Consistency = consistency };
        return Registry((api, call) => api.FindSimilarWorksAsync(request, call).ResponseAsync, cancellation);
    }

    private static GetRecordRequest Record(byte[] id, ReadConsistency consistency) => new() { Id = ByteString.CopyFrom(id), Consistency = consistency };

    private Task<T> Registry<T>(Func<RegistryQuery.RegistryQueryClient, CallOptions, Task<T>> call, CancellationToken cancellation) =>
        InvokeOnChannelAsync((channel, options) => call(new RegistryQuery.RegistryQueryClient(channel), options), cancellation);
}
