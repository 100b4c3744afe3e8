// Wide tables become stacked cards on a phone (explorer.css, table.stack): each cell carries its
// column's heading as data-label, shown before the value when the columns no longer fit.

/** Labels every body cell of `table` with its column heading; call again after rows change. Returns the table. */
export function labelCells(table) {
  const headings = [...(table.tHead?.rows[0]?.cells ?? [])].map((cell) => cell.textContent);
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      [...row.cells].forEach((cell, i) => {
        if (headings[i] && cell.colSpan === 1) {
          cell.dataset.label = headings[i];
        }
      });
    }
  }
  table.classList.add('stack');
  return table;
}
