// Watches the node's height by polling GET /v1/status, and reports each range of new heights once.
// Polls every PollIntervalMs while the node answers, backs off (doubling, up to BackoffMaxMs) while
// it does not, and pauses while the page is hidden. Stopped by the view's abort signal.
import { getJson } from '#explorer/api/client.js';
import { Routes } from '#explorer/api/routes.js';
import { nextDelayMs } from '#explorer/live/backoff.js';

/**
 * @param {{ fromHeight: bigint, signal: AbortSignal,
 *           onNewHeights: (first: bigint, last: bigint, status: object) => Promise<void>|void,
 *           onHealth: (state: { ok: boolean, error?: Error, retryInMs?: number, status?: object }) => void }} options
 */
export function startBlockFeed({ fromHeight, signal, onNewHeights, onHealth }) {
  let known = fromHeight;
  let failures = 0;
  let timer = 0;

  async function poll() {
    timer = 0;
    if (signal.aborted) {
      return;
    }
    if (document.hidden) {
      document.addEventListener('visibilitychange', poll, { once: true });
      return;
    }
    try {
      const status = await getJson(Routes.status(), signal);
      failures = 0;
      const height = BigInt(status.height ?? '0');
      onHealth({ ok: true, status });
      if (height > known) {
        const first = known + 1n;
        known = height;
        await onNewHeights(first, height, status);
      }
    } catch (error) {
      if (signal.aborted) {
        return;
      }
      failures++;
      onHealth({ ok: false, error, retryInMs: nextDelayMs(failures) });
    }
    if (!signal.aborted) {
      timer = setTimeout(poll, nextDelayMs(failures));
    }
  }

  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  timer = setTimeout(poll, nextDelayMs(0));
}
