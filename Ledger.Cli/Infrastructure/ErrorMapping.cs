using System.Security.Cryptography;
using Grpc.Core;
using Ledger.Client;
using Ledger.Core.Consortium;
using Ledger.Core.Crypto;
using Ledger.Core.Evidence;
using Ledger.Core.Keys;
using Ledger.Core.Merkle;
using Ledger.Core.Protocol;
using Ledger.Core.Receipts;

namespace Ledger.Cli.Infrastructure;

/// <summary>
/// Maps any exception escaping a command to one line for stderr and an exit code. Stack traces
/// are never printed: a user sees what failed and which class of failure it was.
/// </summary>
public static class ErrorMapping
{
    public static (int ExitCode, string Message) Map(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            CliException cli => (cli.ExitCode, cli.Message),
            ForkDetectedException fork => (ExitCodes.VerificationFailed, $"fork detected: {fork.Message}"),
            ClientVerificationException verification => (ExitCodes.VerificationFailed, $"verification failed: {verification.Message}"),
            MerkleProofException proof => (ExitCodes.VerificationFailed, $"proof invalid: {proof.Message}"),
            CoseReceiptException receipt => (ExitCodes.VerificationFailed, $"receipt invalid: {receipt.Message}"),
            Ledger.Core.Checkpoints.NoteFormatException note => (ExitCodes.InvalidInput, $"signed note malformed: {note.Message}"),
            EvidenceFormatException evidence => (ExitCodes.InvalidInput, $"evidence bundle malformed: {evidence.Message}"),
            GenesisFormatException genesis => (ExitCodes.InvalidInput, genesis.Message),
            KeyFileFormatException keyFile => (ExitCodes.InvalidInput, $"key file malformed: {keyFile.Message}"),
            KeyFileMismatchException keyFile => (ExitCodes.InvalidInput, $"key file inconsistent: {keyFile.Message}"),
            UnknownSuiteException suite => (ExitCodes.Usage, suite.Message),
            Ledger.Storage.Errors.NotALedgerDatabaseException notLedger => (ExitCodes.NotFound, notLedger.Message),
            Ledger.Storage.Errors.ChainIdMismatchException otherChain => (ExitCodes.InvalidInput, otherChain.Message),
            Ledger.Storage.Errors.StorageException storage => (ExitCodes.InputOutput, $"database: {storage.Message}"),
            FileNotFoundException file => (ExitCodes.NotFound, $"file not found: {file.FileName ?? file.Message}"),
            DirectoryNotFoundException directory => (ExitCodes.NotFound, $"directory not found: {directory.Message}"),
            UnauthorizedAccessException access => (ExitCodes.InputOutput, $"access denied: {access.Message}"),
            IOException io => (ExitCodes.InputOutput, $"I/O error: {io.Message}"),
            // After the client asked every endpoint given (NotCertifiedFailover).
            RpcException rpc when NotCertifiedAnswer.Is(rpc) => (ExitCodes.NotFound,
                $"not certified: {rpc.Status.Detail} (no endpoint given holds its certification yet; give other nodes with --endpoint, or retry: a node that was down learns certifications from its peers after it catches up)"),
            RpcException rpc => MapRpc(rpc),
            LedgerUnavailableException unavailable => (ExitCodes.Unavailable, unavailable.Message),
            HttpRequestException http => (ExitCodes.Unavailable, $"network error: {http.Message}"),
            TimeoutException timeout => (ExitCodes.Unavailable, $"timed out: {timeout.Message}"),
            OperationCanceledException => (ExitCodes.Unavailable, "cancelled"),
            CryptographicException crypto => (ExitCodes.InvalidInput, $"cryptographic input rejected: {crypto.Message}"),
            FormatException format => (ExitCodes.InvalidInput, $"malformed value: {format.Message}"),
            _ => (ExitCodes.Internal, $"internal error ({exception.GetType().Name}): {exception.Message}"),
        };
    }

    private static (int, string) MapRpc(RpcException rpc) => rpc.StatusCode switch
    {
        StatusCode.NotFound => (ExitCodes.NotFound, $"not found: {rpc.Status.Detail}"),
        StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled =>
            (ExitCodes.Unavailable, $"node unavailable ({rpc.StatusCode}): {rpc.Status.Detail}"),
        StatusCode.InvalidArgument or StatusCode.PermissionDenied or StatusCode.AlreadyExists or StatusCode.FailedPrecondition
            or StatusCode.ResourceExhausted or StatusCode.Unauthenticated or StatusCode.OutOfRange =>
            (ExitCodes.Rejected, $"rejected ({rpc.StatusCode}): {rpc.Status.Detail}"),
        StatusCode.Unimplemented => (ExitCodes.Unavailable, $"the node does not implement this call: {rpc.Status.Detail}"),
        _ => (ExitCodes.Internal, $"node error ({rpc.StatusCode}): {rpc.Status.Detail}"),
    };
}
