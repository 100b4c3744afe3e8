// Tells screen-reader users what changed on its own (new blocks), through the page's polite
// aria-live region, at most once every few seconds so a busy chain does not talk over everything.

export const AnnounceIntervalMs = 5_000;

let lastAt = 0;
let pending = null;
let timer = 0;

/** Queues `text`; a newer text replaces an older one not yet spoken. */
export function announce(text) {
  pending = text;
  const wait = lastAt + AnnounceIntervalMs - Date.now();
  if (wait <= 0) {
    flush();
  } else if (!timer) {
    timer = setTimeout(flush, wait);
  }
}

function flush() {
  timer = 0;
  const region = document.getElementById('announcer');
  if (region && pending) {
    region.textContent = pending;
    lastAt = Date.now();
  }
  pending = null;
}
