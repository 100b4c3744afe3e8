// Bounds of what the page reads, stated once. The first two are the C# readers' own bounds
// (tests/Ledger.Client.Tests/Web/VerifyPageLimitsTests.cs checks they stay equal).

/** The largest bundle file: Ledger.Core.Evidence.EvidenceBundleJson.DocumentBytesMax. */
export const BUNDLE_BYTES_MAX = 16 * 1024 * 1024;

/** The largest genesis file: Ledger.Core.Consortium.ConsortiumGenesis.DocumentBytesMax. */
export const GENESIS_BYTES_MAX = 4 * 1024 * 1024;

/** The largest work file hashed in the page: it is read whole into memory (the CLI streams; a browser tab cannot). */
export const CONTENT_BYTES_MAX = 512 * 1024 * 1024;
