// The verifier page (web/verify.html) and the self-verifying HTML built from it
// (Ledger.Web/SelfVerifyingHtml.cs): gathers the bundle, the trusted genesis and the work's file,
// runs verifyBundle, and shows its verdict and report. Every input change verifies again.

import { verifyBundle } from "#ledger/index.js";
import { BUNDLE_BYTES_MAX, GENESIS_BYTES_MAX, CONTENT_BYTES_MAX } from "#verify/limits.js";
import { parseSha256Hex, toHex } from "#verify/encoding.js";
import { readFile, fromFragment, fromEmbedded } from "#verify/sources.js";
import { sha256 } from "#verify/fingerprint.js";
import { verdictOf } from "#verify/verdict.js";
import { showVerdict, showWaiting, showReport, showFacts, formatUtc } from "#verify/render.js";

const IDLE_TITLE = "Ledger evidence verifier";
const BUSY_TITLE = "Verifying — Ledger evidence verification";

const elements = {
  form: document.getElementById("inputs"),
  bundleFile: document.getElementById("bundle-file"),
  genesisFile: document.getElementById("genesis-file"),
  genesisHex: document.getElementById("genesis-sha256"),
  genesisHexError: document.getElementById("genesis-sha256-error"),
  contentFile: document.getElementById("content-file"),
  inputError: document.getElementById("input-error"),
  print: document.getElementById("print"),
  saveBundle: document.getElementById("save-bundle"),
};

const embedded = fromEmbedded(document);
const selfVerifying = embedded !== null;

/** What the next verification uses; null members are absent. */
const state = {
  bundle: null, // { bytes, source }
  namedGenesis: null, // { sha256, source }: named by this file or by the link
  genesisFile: null, // { sha256, name }
  content: null, // { bytes, name }
  problem: null, // { verdict, message } when an input cannot be used: "malformed" for the bundle, "error" for the others
};

/** Each run gets a number; a slower earlier run never overwrites a later one. */
let runNumber = 0;

function takeNamedSource(source, where) {
  if (source === null) {
    return;
  }
  if (source.error !== undefined) {
    state.problem = { verdict: "malformed", message: source.error };
    return;
  }
  state.bundle = { bytes: source.bytes, source: where };
  state.namedGenesis = source.genesisSha256 === null ? null : { sha256: source.genesisSha256, source: `named ${where}` };
}

function trustedGenesis() {
  const typed = elements.genesisHex.value.trim();
  if (state.genesisFile !== null && typed !== "") {
    return { problem: "Give a genesis file or a fingerprint, not both." };
  }
  if (state.genesisFile !== null) {
    return { sha256: state.genesisFile.sha256, source: `the genesis file "${state.genesisFile.name}"` };
  }
  if (typed !== "") {
    const bytes = parseSha256Hex(typed);
    return bytes === null ? { problem: "The genesis fingerprint must be 64 hex digits." } : { sha256: bytes, source: "the fingerprint typed in this page" };
  }
  return state.namedGenesis ?? { sha256: null, source: null };
}

async function verify() {
  const run = ++runNumber;
  elements.inputError.textContent = state.problem?.message ?? "";
  if (state.problem !== null) {
    showVerdict(document, state.problem.verdict, state.problem.message);
    showReport(document, null);
    showFacts(document, []);
    return;
  }
  if (state.bundle === null) {
    showWaiting(document, "No bundle yet", "Choose an evidence bundle (a .json file from ledger evidence export) below, or drop it on this page.", IDLE_TITLE);
    showReport(document, null);
    showFacts(document, []);
    elements.print.disabled = true;
    elements.saveBundle.disabled = true;
    return;
  }
  const genesis = trustedGenesis();
  if (genesis.problem !== undefined) {
    // No verdict stands for inputs that cannot be used: an earlier one would describe other inputs.
    elements.inputError.textContent = genesis.problem;
    showVerdict(document, "error", genesis.problem);
    showReport(document, null);
    showFacts(document, []);
    return;
  }
  showWaiting(document, "Verifying…", "Checking the bundle on this device.", BUSY_TITLE);
  try {
    const options = genesis.sha256 === null ? {} : { trustedGenesisSha256: genesis.sha256 };
    if (state.content !== null) {
      // The verifier digests the work's file as the CLI's --content does (SM3 too for an sm2-sm3 consortium).
      options.content = state.content.bytes;
    }
    const started = performance.now();
    const result = await verifyBundle(state.bundle.bytes, options);
    // How long the verifier took, for the figures (tests/Ledger.Browser.Tests read it with the title).
    document.documentElement.dataset.verifyMilliseconds = (performance.now() - started).toFixed(1);
    const bundleSha256 = await sha256(state.bundle.bytes);
    const contentSha256 = state.content === null ? null : await sha256(state.content.bytes);
    if (run !== runNumber) {
      return;
    }
    const verdict = verdictOf(result);
    showVerdict(document, verdict, sentenceOf(verdict, result));
    showReport(document, verdict === "malformed" ? null : result.text ?? null);
    showFacts(document, facts(result, genesis, bundleSha256, contentSha256));
    elements.print.disabled = false;
    elements.saveBundle.disabled = false;
  } catch (e) {
    if (run === runNumber) {
      showVerdict(document, "error", `The verifier stopped with an error (a defect of this page, not a finding about the evidence): ${e?.message ?? e}`);
      showReport(document, null);
      showFacts(document, []);
    }
  }
}

function sentenceOf(verdict, result) {
  if (verdict === "malformed") {
    return `This file is not a well-formed evidence bundle: ${result.malformed}`;
  }
  if (verdict === "error") {
    return `The verifier stopped with an error (a defect of the verifier, not a finding about the evidence): ${result.error ?? "no report"}`;
  }
  return result.report.conclusion;
}

function facts(result, genesis, bundleSha256, contentSha256) {
  const list = [["Bundle", `sha256 ${toHex(bundleSha256)} (${state.bundle.bytes.length} bytes, ${state.bundle.source})`]];
  list.push(["Trusted genesis", genesis.sha256 === null
    ? "none given: nothing ties this bundle to the real consortium"
    : `sha256 ${toHex(genesis.sha256)} (${genesis.source})`]);
  if (state.namedGenesis !== null && genesis.sha256 !== null && genesis.sha256 !== state.namedGenesis.sha256) {
    const same = toHex(genesis.sha256) === toHex(state.namedGenesis.sha256);
    list.push([`Genesis ${state.namedGenesis.source}`, `sha256 ${toHex(state.namedGenesis.sha256)} (${same ? "the same" : "DIFFERENT"})`]);
  }
  if (result.report?.genesisSha256) {
    list.push(["Bundle's own genesis", `sha256 ${result.report.genesisSha256}`]);
  }
  if (state.content !== null) {
    list.push(["Work's file", `"${state.content.name}", sha256 ${toHex(contentSha256)}`]);
  }
  list.push(["Verified", `${formatUtc(new Date())}, on this device, by the Ledger in-browser verifier (${navigator.userAgent})`]);
  return list;
}

async function chooseBundle(file) {
  const read = await readFile(file, BUNDLE_BYTES_MAX, "bundle");
  state.problem = read.error === undefined ? null : { verdict: "malformed", message: read.error };
  state.bundle = read.error === undefined ? { bytes: read.bytes, source: `file "${file.name}"` } : null;
  state.namedGenesis = null;
  await verify();
}

elements.bundleFile.addEventListener("change", async () => {
  const file = elements.bundleFile.files?.[0];
  if (file !== undefined) {
    await chooseBundle(file);
  }
});

elements.genesisFile.addEventListener("change", async () => {
  const file = elements.genesisFile.files?.[0];
  state.genesisFile = null;
  state.problem = null;
  if (file !== undefined) {
    const read = await readFile(file, GENESIS_BYTES_MAX, "genesis file");
    if (read.error !== undefined) {
      state.problem = { verdict: "error", message: read.error };
    } else {
      state.genesisFile = { sha256: await sha256(read.bytes), name: file.name };
    }
  }
  await verify();
});

elements.genesisHex.addEventListener("input", async () => {
  const typed = elements.genesisHex.value.trim();
  const usable = typed === "" || parseSha256Hex(typed) !== null;
  elements.genesisHex.setAttribute("aria-invalid", String(!usable));
  if (usable) {
    elements.genesisHexError.textContent = "";
    await verify();
  }
});

elements.genesisHex.addEventListener("change", () => {
  const typed = elements.genesisHex.value.trim();
  elements.genesisHexError.textContent = typed === "" || parseSha256Hex(typed) !== null ? "" : "Not a SHA-256 fingerprint: 64 hex digits (0-9, a-f) are needed.";
});

elements.contentFile.addEventListener("change", async () => {
  const file = elements.contentFile.files?.[0];
  state.content = null;
  state.problem = null;
  if (file !== undefined) {
    const read = await readFile(file, CONTENT_BYTES_MAX, "work's file");
    if (read.error !== undefined) {
      state.problem = { verdict: "error", message: read.error };
    } else {
      state.content = { bytes: read.bytes, name: file.name };
    }
  }
  await verify();
});

elements.form.addEventListener("submit", (event) => event.preventDefault());

elements.form.addEventListener("reset", () => {
  // The form clears its fields after this event; start again from what the page itself names.
  setTimeout(async () => {
    elements.genesisHex.removeAttribute("aria-invalid");
    elements.genesisHexError.textContent = "";
    Object.assign(state, { bundle: null, namedGenesis: null, genesisFile: null, content: null, problem: null });
    takeNamedSource(selfVerifying ? embedded : fromFragment(location.hash, BUNDLE_BYTES_MAX), selfVerifying ? "in this file" : "in the link");
    await verify();
  }, 0);
});

elements.print.addEventListener("click", () => window.print());

// The bundle's exact bytes as a file, to check with another verifier (`ledger evidence verify`): the
// verifier code travels with a self-verifying file, so an independent check needs the bundle itself.
elements.saveBundle.addEventListener("click", () => {
  if (state.bundle === null) {
    return;
  }
  const url = URL.createObjectURL(new Blob([state.bundle.bytes], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = "evidence-bundle.json";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
});

// Drag and drop: a file dropped anywhere on the page is the bundle (the self-verifying file already has one).
document.addEventListener("dragover", (event) => {
  event.preventDefault();
  if (!selfVerifying) {
    document.body.classList.add("dragging");
  }
});
document.addEventListener("dragleave", (event) => {
  if (event.relatedTarget === null) {
    document.body.classList.remove("dragging");
  }
});
document.addEventListener("drop", async (event) => {
  event.preventDefault();
  document.body.classList.remove("dragging");
  const file = event.dataTransfer?.files?.[0];
  if (!selfVerifying && file !== undefined) {
    await chooseBundle(file);
  }
});

window.addEventListener("hashchange", async () => {
  if (!selfVerifying) {
    state.problem = null;
    takeNamedSource(fromFragment(location.hash, BUNDLE_BYTES_MAX), "in the link");
    await verify();
  }
});

document.documentElement.dataset.mode = selfVerifying ? "self-verifying" : "page";
takeNamedSource(selfVerifying ? embedded : fromFragment(location.hash, BUNDLE_BYTES_MAX), selfVerifying ? "in this file" : "in the link");
await verify();
