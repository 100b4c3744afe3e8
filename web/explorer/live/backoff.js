// How long to wait before the next poll: steady while the node answers, doubling after each
// failure up to a ceiling, so a down node is not hammered by every open page. Pure.

export const PollIntervalMs = 2_000;
export const BackoffMaxMs = 60_000;

/** Delay after `consecutiveFailures` failures in a row (0 = the last poll succeeded). */
export function nextDelayMs(consecutiveFailures) {
  if (consecutiveFailures <= 0) {
    return PollIntervalMs;
  }
  return Math.min(BackoffMaxMs, PollIntervalMs * (2 ** Math.min(consecutiveFailures, 16)));
}
