using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Ledger.Cluster.Tests.Support;
using Ledger.Core.Protocol;
using Ledger.Storage.Damage;

namespace Ledger.Cluster.Tests;

/// <summary>
/// The issue-16 disk scenario over three real node processes: ~30 registrations, node-3 stopped, its
/// data directory damaged, node-3 restarted while registrations keep committing. Records what node-3
/// said while coming back (status, health) and whether it ever reported a height whose block it could
/// not serve identical to the leader's.
/// </summary>
internal sealed class DiskDamageScenario : IDisposable
{
    public const int RegistrationsBeforeDamage = 30;

    private static readonly TimeSpan ElectionTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ObserveInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(2);

    private readonly List<string> violations = [];
    private GrpcChannel? victimChannel;

    public DiskDamageScenario()
    {
        Cluster = ProcessCluster.Start(3);
        Victim = Cluster.Nodes[2];
    }

    public ProcessCluster Cluster { get; }

    /// <summary>node-3: the node whose disk is damaged.</summary>
    public NodeProcess Victim { get; }

    /// <summary>node-3's RocksDB directory.</summary>
    public string VictimDatabase => Path.Combine(Cluster.Consortium.Nodes[2].DataDirectory, "db");

    /// <summary>Whether node-3 said "recovering" in its status or NOT_SERVING in its health at least once after the restart.</summary>
    public bool SawRecovering { get; private set; }

    /// <summary>
    /// Whether node-3 said it was recovering (status or health), or logged entering recovery and leaving it
    /// once caught up: catching up ~50 blocks over loopback can take less time than the first status
    /// answer of a freshly started process on a loaded machine.
    /// </summary>
    public bool SaidRecovering =>
        SawRecovering || (Victim.RecentOutput().Contains("[6203] Recovering (", StringComparison.Ordinal) && Victim.RecentOutput().Contains("[6204] Recovered", StringComparison.Ordinal));

    /// <summary>The recovery reasons node-3 gave.</summary>
    public HashSet<string> RecoveryReasons { get; } = [];

    /// <summary>Everything node-3 did that a node must never do (serve a height it does not hold, a block unlike the leader's).</summary>
    public IReadOnlyList<string> Violations => violations;

    /// <summary>Submits <paramref name="count"/> registrations one at a time (one block each) through whichever node leads; returns the last height.</summary>
    public async Task<ulong> RegisterAsync(int count, CancellationToken cancellationToken = default)
    {
        ulong height = 0;
        var leader = await Cluster.WaitForLeaderAsync(ElectionTimeout);
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            var transaction = Cluster.Consortium.RegisterWork();
            var deadline = DateTime.UtcNow + ElectionTimeout;
            while (true)
            {
                try
                {
                    var response = await leader.Client.SubmitAsync(new SubmitRequest { Transaction = transaction }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
                    height = response.Receipt.BlockHeight;
                    break;
                }
                catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.DataLoss && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(RetryDelay, CancellationToken.None);
                    leader = await Cluster.WaitForLeaderAsync(ElectionTimeout);
                }
            }
        }

        return height;
    }

    /// <summary>A copy of node-3's whole data directory, taken while it is stopped (then restarted), as a backup restore would give.</summary>
    public string CopyVictimDataWhileStopped(string destination)
    {
        Victim.Kill();
        CopyDirectory(Cluster.Consortium.Nodes[2].DataDirectory, destination);
        Victim.Start();
        return destination;
    }

    public void ReplaceVictimDataWith(string copy)
    {
        var data = Cluster.Consortium.Nodes[2].DataDirectory;
        Directory.Delete(data, recursive: true);
        CopyDirectory(copy, data);
    }

    /// <summary>The newest WAL file of node-3's database.</summary>
    public string NewestWal() =>
        Directory.GetFiles(VictimDatabase, "*.log").OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal).First();

    public string Manifest() => Directory.GetFiles(VictimDatabase, "MANIFEST-*").OrderByDescending(f => Path.GetFileName(f), StringComparer.Ordinal).First();

    public static void FlipByte(string file, long offset)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        Assert.That(offset, Is.LessThan(stream.Length), $"{file} is only {stream.Length} bytes");
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x01));
    }

    public static void CutTail(string file, int bytes)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        Assert.That(stream.Length, Is.GreaterThan(bytes));
        stream.SetLength(stream.Length - bytes);
    }

    /// <summary>
    /// Restarts node-3 and, while registrations keep committing, watches it until it holds every block
    /// the cluster committed: each poll reads its status and health, and for the height it reports,
    /// its block at that height must equal the leader's. Returns the final common height.
    /// </summary>
    public async Task<ulong> RestartVictimAndWatchCatchUpAsync(int registrationsDuring)
    {
        Victim.Start();
        using var stop = new CancellationTokenSource();
        var observer = ObserveVictimAsync(stop.Token);
        var tip = await RegisterAsync(registrationsDuring);
        ulong height;
        try
        {
            height = await Cluster.WaitForSameHeightAsync(tip, CatchUpTimeout);
            await WaitUntilVictimServesAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await observer;
        }

        return height;
    }

    private async Task WaitUntilVictimServesAsync()
    {
        var deadline = DateTime.UtcNow + CatchUpTimeout;
        StatusResponse? status = null;
        HealthCheckResponse.Types.ServingStatus? health = null;
        while (DateTime.UtcNow < deadline)
        {
            status = await ProcessCluster.TryStatusAsync(Victim);
            health = await HealthAsync();
            if (status is { Recovering: false } && health == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }

            await Task.Delay(RetryDelay);
        }

        Assert.Fail($"node-3 caught up but still says recovering or not serving after {CatchUpTimeout}: status {status}, health {health}{Environment.NewLine}{Victim.RecentOutput()}");
    }

    private async Task ObserveVictimAsync(CancellationToken cancellationToken)
    {
        var leaderBlocks = new Dictionary<ulong, byte[]>();
        while (!cancellationToken.IsCancellationRequested)
        {
            var status = await ProcessCluster.TryStatusAsync(Victim);
            var health = await HealthAsync();
            if (status is { Recovering: true })
            {
                SawRecovering = true;
                RecoveryReasons.Add(status.Recovery);
            }

            if (health == HealthCheckResponse.Types.ServingStatus.NotServing)
            {
                SawRecovering = true;
            }

            if (status is { Height: > 0 })
            {
                await CheckServedBlockAsync(status.Height, leaderBlocks);
            }

            try
            {
                await Task.Delay(ObserveInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>node-3 reported <paramref name="height"/>: it must serve that block, identical to the leader's.</summary>
    private async Task CheckServedBlockAsync(ulong height, Dictionary<ulong, byte[]> leaderBlocks)
    {
        Block served;
        try
        {
            served = await Victim.Client.GetBlockAsync(new GetBlockRequest { Height = height }, deadline: DateTime.UtcNow + CallDeadline);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.DataLoss or StatusCode.FailedPrecondition)
        {
            // Refusing is allowed; serving something wrong is not.
            return;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            violations.Add($"node-3 reported height {height} but answered NotFound for that block");
            return;
        }

        if (!leaderBlocks.TryGetValue(height, out var reference))
        {
            var leader = Cluster.Nodes[0] == Victim ? Cluster.Nodes[1] : Cluster.Nodes[0];
            reference = Google.Protobuf.MessageExtensions.ToByteArray(await leader.Client.GetBlockAsync(new GetBlockRequest { Height = height }, deadline: DateTime.UtcNow.AddSeconds(10)));
            leaderBlocks[height] = reference;
        }

        if (!Google.Protobuf.MessageExtensions.ToByteArray(served).AsSpan().SequenceEqual(reference))
        {
            violations.Add($"node-3 served a block at height {height} unlike the cluster's");
        }
    }

    private async Task<HealthCheckResponse.Types.ServingStatus?> HealthAsync()
    {
        if (!Victim.IsRunning)
        {
            return null;
        }

        victimChannel ??= GrpcChannel.ForAddress(Victim.PublicUrl);
        try
        {
            var response = await new Health.HealthClient(victimChannel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + CallDeadline);
            return response.Status;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>The damaged copies of node-3's database moved aside by the repair.</summary>
    public IReadOnlyList<string> DamagedCopies() => DamagedDirectoryQuarantine.Copies(VictimDatabase);

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.GetFiles(source))
        {
            if (Path.GetFileName(file) == Node.Admin.AdminSocket.FileName)
            {
                // The node's admin socket (left by a killed node) is not data, and a socket cannot be copied as a file.
                continue;
            }

            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.GetDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }

    public void Dispose()
    {
        victimChannel?.Dispose();
        Cluster.Dispose();
    }
}
