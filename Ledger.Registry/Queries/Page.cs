namespace Ledger.Registry.Queries;

/// <summary>One page of an ordered listing; pass <see cref="NextPageToken"/> back for the next page (null: no more).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, byte[]? NextPageToken);
