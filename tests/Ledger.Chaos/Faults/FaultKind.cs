namespace Ledger.Chaos.Faults;

/// <summary>The kinds of fault a schedule can hold; <see cref="FaultKinds"/> names them on the command line.</summary>
public enum FaultKind
{
    /// <summary>SIGKILL the current leader, restart it after a delay.</summary>
    KillLeader,

    /// <summary>SIGKILL a node picked at random, restart it after a delay.</summary>
    KillRandom,

    /// <summary>SIGSTOP a node (the leader or a random one) for longer than the election timeout, then SIGCONT.</summary>
    Pause,

    /// <summary>SIGKILL every node at once, restart them all: a cluster-wide power loss (catches a skipped fsync).</summary>
    PowerLoss,

    /// <summary>Cut the peer links into a partition (majority/minority, leader isolated, bridge) for a while.</summary>
    Partition,

    /// <summary>One directed peer link (or both directions) dropped, blackholed, delayed with jitter or slowed.</summary>
    Link,

    /// <summary>Restart a node with a clock offset and drift.</summary>
    Clock,

    /// <summary>Stop a node, damage its files with the disk corruptor, restart it.</summary>
    Disk,

    /// <summary>Remove a node by governance and add a fresh one, while the other faults go on.</summary>
    Membership,
}
