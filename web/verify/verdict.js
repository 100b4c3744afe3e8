// The verdict a page shows and the word its title starts with, so that people and machines read the
// same outcome (issue #17: document.title starts with VALID, REJECTED, INVALID, NOT ANCHORED or MALFORMED).

const TITLE_SUFFIX = " — Ledger evidence verification";

/** Keyed by the report's `verdict` member (the CLI's --output json), plus the page's own states. */
export const VERDICTS = Object.freeze({
  valid: { word: "VALID", mark: "✓" },
  rejected: { word: "REJECTED", mark: "⊘" },
  invalid: { word: "INVALID", mark: "✗" },
  "not-anchored": { word: "NOT ANCHORED", mark: "?" },
  malformed: { word: "MALFORMED", mark: "!" },
  error: { word: "ERROR", mark: "!" },
});

/** The verdict key of a verifyBundle result. */
export function verdictOf(result) {
  if (result.malformed !== null && result.malformed !== undefined) {
    return "malformed";
  }
  return Object.hasOwn(VERDICTS, result.report?.verdict) ? result.report.verdict : "error";
}

/** "VALID — Ledger evidence verification". */
export function titleOf(verdictKey) {
  return VERDICTS[verdictKey].word + TITLE_SUFFIX;
}
