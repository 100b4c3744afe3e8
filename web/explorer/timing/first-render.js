// "First render": from navigation start until the latest blocks list has been painted with its
// rows. Recorded once as a performance mark ('explorer-first-render') and as
// data-first-render-ms on <html>, so a benchmark reads it through WebDriver, or from a dump of the DOM.

export const MarkName = 'explorer-first-render';
let recorded = false;

/** Call right after the rows are in the DOM: the mark is set once the next frame has been painted. */
export function recordFirstRender() {
  if (recorded) {
    return;
  }
  recorded = true;
  // rAF runs before the paint of the frame that shows the rows; the task queued from it runs after.
  requestAnimationFrame(() => setTimeout(() => {
    const mark = performance.mark(MarkName);
    document.documentElement.dataset.firstRenderMs = mark.startTime.toFixed(1);
  }, 0));
}
