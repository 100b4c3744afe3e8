using System.CommandLine;
using System.Text.Json.Nodes;
using Grpc.Health.V1;
using Ledger.Cli.Infrastructure;

namespace Ledger.Cli.Commands;

/// <summary>
/// <c>ledger health</c>: a readiness probe. Asks the first endpoint's standard gRPC health service once
/// (no failover: a probe reports on the node it probes) and exits 0 only when it answers SERVING; NOT_SERVING
/// (not ready: the node's /readyz checks) and no answer within the timeout exit
/// <see cref="ExitCodes.Unavailable"/>. Container probes run it where Kubernetes' own <c>grpc</c> probe
/// cannot: on a TLS port (it checks the node's certificate against <c>--tls-ca</c>).
/// </summary>
public static class HealthCommand
{
    /// <summary>Default bound on the whole probe, below the usual probe timeouts (Kubernetes, compose).</summary>
    public const int TimeoutSecondsDefault = 5;

    /// <summary>A readiness probe that waits longer than an hour is a mistake in its configuration.</summary>
    public const int TimeoutSecondsMax = 3_600;

    public static Command Create(CliEnvironment environment)
    {
        var timeout = new Option<int>("--timeout-seconds") { Description = "Give up (exit 4) after this many seconds", DefaultValueFactory = _ => TimeoutSecondsDefault };
        var command = new Command("health", "Readiness of one node (gRPC health service, the same answer as /readyz): exit 0 when SERVING, 4 when NOT_SERVING or unreachable") { timeout };
        ClientFactory.AddConnectionOptions(command);
        CommandAction.SetAsync(command, environment, async (parse, console, cancellation) =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds is < 1 or > TimeoutSecondsMax)
            {
                throw CliException.Usage($"--timeout-seconds must be within 1..{TimeoutSecondsMax}, was {seconds}");
            }

            await using var client = ClientFactory.Create(parse, console);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            bounded.CancelAfter(TimeSpan.FromSeconds(seconds));
            HealthCheckResponse.Types.ServingStatus status;
            try
            {
                status = await client.CheckHealthAsync(bounded.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw new CliException(ExitCodes.Unavailable, $"no health answer from {client.CurrentEndpoint} within {seconds} s");
            }

            var serving = status == HealthCheckResponse.Types.ServingStatus.Serving;
            console.Result(
                new JsonObject { ["endpoint"] = client.CurrentEndpoint.ToString(), ["status"] = Name(status) },
                serving
                    ? $"{client.CurrentEndpoint}: SERVING"
                    : $"{client.CurrentEndpoint}: {Name(status)} (not ready: no leader, applying behind, disk below its reserve, recovering, stopped after a fault or damaged; the node's /readyz lists the reasons and `ledger status` shows its view of the cluster)");
            return serving ? ExitCodes.Ok : ExitCodes.Unavailable;
        });
        return command;
    }

    /// <summary>The status as grpc.health.v1 spells it.</summary>
    private static string Name(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.Serving => "SERVING",
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };
}
