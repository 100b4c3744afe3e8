// The in-browser evidence verifier's entry point (web/README.md): the same checks, verdicts and
// report as `ledger evidence verify`, offline, on a bundle's bytes. Never throws on hostile input:
// a file that is not a bundle is `malformed` (the CLI's exit 6), anything else is a report.
import { sha256HashAlgorithm } from '#ledger/hashing/sha256-hash-algorithm.js';
import { sm3HashAlgorithm } from '#ledger/hashing/sm3-hash-algorithm.js';
import { Sm2Sm3Name } from '#ledger/crypto/crypto-suites.js';
import { parseGenesis } from '#ledger/consortium/consortium-genesis.js';
import { parse as parseBundle, DocumentBytesMax } from '#ledger/evidence/evidence-bundle-json.js';
import { EvidenceFormatException } from '#ledger/evidence/evidence-format-exception.js';
import { verify } from '#ledger/evidence/evidence-verifier.js';
import { toJson, writeText } from '#ledger/evidence/evidence-report-output.js';

export { DocumentBytesMax };

/**
 * bundleBytes: Uint8Array of the bundle file. options.trustedGenesisSha256: Uint8Array(32) | undefined.
 * options.content: {sha256, sm3?} from digestContent, or the content file's bytes (Uint8Array), which
 * are then digested as the CLI's --content does (SM3 only for an sm2-sm3 consortium).
 * Returns {malformed: string | null, report, text}; report and text are null when malformed.
 */
export function verifyBundle(bundleBytes, options = {}) {
  let bundle;
  try {
    if (!(bundleBytes instanceof Uint8Array)) {
      return { malformed: 'the bundle must be given as bytes (Uint8Array)', report: null, text: null };
    }
    if (bundleBytes.length > DocumentBytesMax) {
      return { malformed: `bundle file is larger than ${DocumentBytesMax} bytes`, report: null, text: null };
    }
    bundle = parseBundle(bundleBytes);
  } catch (exception) {
    const message = exception instanceof EvidenceFormatException ? exception.message : `${exception?.name ?? 'Error'}: ${exception?.message ?? exception}`;
    return { malformed: message, report: null, text: null };
  }
  try {
    const trusted = options?.trustedGenesisSha256 ?? null;
    const report = verify(bundle, { trustedGenesisSha256: trusted, content: contentDigest(options?.content, bundle) });
    return { malformed: null, report: toJson(report), text: writeText(report) };
  } catch (exception) {
    // Only a broken invariant gets here (every check catches its own failures); never throw.
    const detail = `${exception?.name ?? 'Error'}: ${exception?.message ?? exception}`;
    return { malformed: null, report: null, text: null, error: detail };
  }
}

/** What the CLI's --content computes for a file: SHA-256 always, SM3 for an sm2-sm3 consortium. */
export function digestContent(fileBytes, suiteName) {
  return {
    sha256: sha256HashAlgorithm.hash(fileBytes),
    sm3: suiteName === Sm2Sm3Name ? sm3HashAlgorithm.hash(fileBytes) : null,
  };
}

/** The CLI's DigestFile takes the suite from the bundle's genesis (an unreadable one: SHA-256 only). */
function contentDigest(content, bundle) {
  if (content === null || content === undefined) {
    return null;
  }
  const sm3 = isSm3Consortium(bundle);
  if (content instanceof Uint8Array) {
    return digestContent(content, sm3 ? Sm2Sm3Name : null);
  }
  return { sha256: content.sha256, sm3: sm3 ? (content.sm3 ?? null) : null };
}

function isSm3Consortium(bundle) {
  try {
    return parseGenesis(bundle.genesis).suite === Sm2Sm3Name;
  } catch {
    return false;
  }
}
