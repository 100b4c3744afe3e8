using Grpc.Core;
using Ledger.Core.Protocol;
using Ledger.Storage.Backups;
using Ledger.Storage.Errors;

namespace Ledger.Node.Admin;

/// <summary>
/// The operator's gRPC service (<c>NodeAdmin</c>). It answers only calls that arrived on the admin Unix socket
/// (<see cref="AdminSocket"/>): a connection over TCP — the public, peer or web listener, where consortium members
/// and peers connect — has an IP address and gets PERMISSION_DENIED before anything else is read.
/// </summary>
public sealed class NodeAdminService(LedgerNode node) : NodeAdmin.NodeAdminBase
{
    /// <summary>Longest backup directory path accepted.</summary>
    public const int DirectoryCharsMax = 4_096;

    public override async Task<BackupResponse> Backup(BackupRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        RequireAdminSocket(context);
        var directory = request.Directory;
        if (directory.Length == 0 || directory.Length > DirectoryCharsMax || !Path.IsPathFullyQualified(directory) || directory.Contains('\0', StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"directory must be an absolute path of at most {DirectoryCharsMax} characters"));
        }

        BackupManifest manifest;
        try
        {
            manifest = await node.BackupAsync(directory, context.CancellationToken).ConfigureAwait(false);
        }
        catch (BackupAlreadyRunningException e)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, e.Message));
        }
        catch (BackupNotTakenException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }
        catch (StorageCorruptionException e)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StorageException)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"backup into '{directory}' failed: {e.Message}"));
        }

        return new BackupResponse
        {
            Directory = Path.GetFullPath(directory),
            ChainId = manifest.ChainId,
            GenesisHashHex = manifest.GenesisHashHex,
            StorageFormatVersion = manifest.StorageFormatVersion,
            AppliedRaftIndex = manifest.AppliedRaftIndex,
            AppliedRaftTerm = manifest.AppliedRaftTerm,
            Height = manifest.Height,
            HeadHashHex = manifest.HeadHashHex,
            FileCount = (uint)manifest.Files.Count,
            TotalBytes = (ulong)manifest.TotalBytes,
        };
    }

    /// <summary>Refuses a call that did not come over a Unix socket: every TCP connection has a local IP address, a Unix socket's has none.</summary>
    private static void RequireAdminSocket(ServerCallContext context)
    {
        var connection = context.GetHttpContext().Connection;
        if (connection.LocalIpAddress is not null || connection.RemoteIpAddress is not null)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the admin service answers only on the node's admin socket (DATA/admin/admin.sock)"));
        }
    }
}
