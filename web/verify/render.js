// What the page shows: the verdict banner (word, mark and sentence: never colour alone), the facts a
// printed copy needs (fingerprints, date), and the report as the exact text `ledger evidence verify`
// prints (#report-text's textContent is that text, character for character).

import { VERDICTS, titleOf } from "#verify/verdict.js";

const CHECK_CLASSES = Object.freeze({ "✓": "check-passed", "✗": "check-failed", "?": "check-not-anchored", "-": "check-skipped" });
const CHECK_WORDS = Object.freeze({ "check-passed": "passed", "check-failed": "failed", "check-not-anchored": "not anchored", "check-skipped": "skipped" });

/** Sets the banner, the title and the page's data-verdict (what tests and scripts read). */
export function showVerdict(document, verdictKey, sentence) {
  const banner = document.getElementById("verdict");
  banner.dataset.verdict = verdictKey;
  banner.querySelector(".verdict-mark").textContent = VERDICTS[verdictKey].mark;
  document.getElementById("verdict-word").textContent = VERDICTS[verdictKey].word;
  document.getElementById("verdict-conclusion").textContent = sentence;
  document.documentElement.dataset.verdict = verdictKey;
  document.title = titleOf(verdictKey);
}

/** The page before any verdict: a neutral banner and title. */
export function showWaiting(document, word, sentence, title) {
  const banner = document.getElementById("verdict");
  banner.dataset.verdict = "none";
  banner.querySelector(".verdict-mark").textContent = "…";
  document.getElementById("verdict-word").textContent = word;
  document.getElementById("verdict-conclusion").textContent = sentence;
  delete document.documentElement.dataset.verdict;
  document.title = title;
}

/** The report text, one span per line so that checks and the RESULT line can stand out; text unchanged. */
export function showReport(document, text) {
  const section = document.getElementById("report-section");
  const pre = document.getElementById("report-text");
  pre.replaceChildren();
  if (text === null) {
    section.hidden = true;
    return;
  }
  let inChecks = false;
  for (const line of text.split(/(?<=\n)/)) {
    const span = document.createElement("span");
    span.textContent = line;
    const body = line.replace(/\r?\n$/, "");
    if (body === "Checks:") {
      inChecks = true;
      span.className = "report-heading";
    } else if (body.startsWith("RESULT: ")) {
      inChecks = false;
      span.className = "report-result";
    } else if (inChecks && body.startsWith("  ") && CHECK_CLASSES[body.charAt(2)] !== undefined && body.charAt(3) === " ") {
      span.className = "report-check " + CHECK_CLASSES[body.charAt(2)];
      span.title = CHECK_WORDS[span.className.split(" ")[1]];
    }
    pre.append(span);
  }
  section.hidden = false;
}

/** The facts list: each [term, description] pair, in order. */
export function showFacts(document, facts) {
  const list = document.getElementById("facts");
  list.replaceChildren();
  for (const [term, description] of facts) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = description;
    list.append(dt, dd);
  }
  document.getElementById("facts-section").hidden = facts.length === 0;
}

/** "2026-12-06 20:31:05 UTC" (the report's own style, to the second). */
export function formatUtc(date) {
  return date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}
