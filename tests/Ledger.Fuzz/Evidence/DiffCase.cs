namespace Ledger.Fuzz.Evidence;

/// <summary>
/// One input both verifiers judge: the bundle file's bytes, the trusted genesis fingerprint (or none)
/// and the content file's bytes (or none), as <c>ledger evidence verify --genesis-sha256 --content</c> takes them.
/// </summary>
/// <param name="Mutation">How the case was made from its seed bundle, for the finding's report.</param>
public sealed record DiffCase(long Seed, long Index, string Mutation, byte[] Bundle, byte[]? TrustedGenesisSha256, byte[]? Content);
