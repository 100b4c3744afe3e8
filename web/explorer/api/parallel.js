// Several reads at once, but not too many: a browser opens about six connections per origin, and
// a page should not queue dozens of requests ahead of the reader's next click.

export const ConcurrentRequestsMax = 6;

/** Maps `items` through async `task`, at most `limit` at a time; results in input order (settled, like Promise.allSettled). */
export async function mapSettledLimited(items, task, limit = ConcurrentRequestsMax) {
  const results = new Array(items.length);
  let next = 0;
  async function lane() {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await task(items[index], index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
