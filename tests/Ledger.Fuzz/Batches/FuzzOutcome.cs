namespace Ledger.Fuzz.Batches;

/// <summary>How one batch-input case ended: its input parsed (items/batches), was refused with the reader's own bounded error, or broke a property (a finding).</summary>
public sealed record FuzzOutcome(string Kind, string Detail)
{
    /// <summary>A refusal's message, file location included, is at most this long (one line for a person, not a dump of the input).</summary>
    public const int RefusalMessageCharsMax = 1024;

    public static FuzzOutcome Accepted(string detail) => new("accepted", detail);

    public static FuzzOutcome Refused(string message) => message.Length <= RefusalMessageCharsMax && !message.Contains('\n', StringComparison.Ordinal)
        ? new("refused", message)
        : Finding($"refusal message is not one bounded line ({message.Length} chars): {message[..Math.Min(message.Length, 200)]}");

    public static FuzzOutcome Finding(string detail) => new("finding", detail);

    public bool IsFinding => Kind == "finding";
}
