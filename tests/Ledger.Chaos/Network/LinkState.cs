namespace Ledger.Chaos.Network;

/// <summary>What a directed link does to the connections its source opens to its target.</summary>
public enum LinkMode
{
    /// <summary>Bytes pass (after <see cref="LinkState.DelayMilliseconds"/> and within <see cref="LinkState.BytesPerSecondMax"/>).</summary>
    Pass,

    /// <summary>Open connections are reset and new ones are accepted then reset at once.</summary>
    Drop,

    /// <summary>Connections are accepted and the source's bytes vanish (the target's answers still flow); a connection that lost bytes is reset when the link heals, as its TLS stream is broken.</summary>
    Blackhole,
}

/// <summary>The state of one directed link; immutable, swapped atomically by the proxy.</summary>
public sealed record LinkState
{
    public const int DelayMillisecondsMax = 10_000;

    public static readonly LinkState Healthy = new();

    public LinkMode Mode { get; init; } = LinkMode.Pass;

    /// <summary>Added to every chunk in both directions.</summary>
    public int DelayMilliseconds { get; init; }

    /// <summary>Each chunk waits a further uniform 0..jitter ms (order is kept).</summary>
    public int JitterMilliseconds { get; init; }

    /// <summary>Bandwidth cap per connection and direction; 0 = none.</summary>
    public int BytesPerSecondMax { get; init; }

    public bool IsHealthy => this == Healthy;

    public override string ToString() => Mode switch
    {
        LinkMode.Pass when IsHealthy => "pass",
        LinkMode.Pass => $"pass(delay={DelayMilliseconds}ms jitter={JitterMilliseconds}ms{(BytesPerSecondMax > 0 ? $" cap={BytesPerSecondMax}B/s" : "")})",
        _ => Mode.ToString().ToLowerInvariant(),
    };
}
