/** Line edits of the Markdown tables the closed lists are documented in. */

/**
 * Adds `| \`name\` | meaning |` rows in sorted place to the table under `header`, skipping
 * names it already has.
 */
export function addSortedTableRows(
  text: string,
  header: string,
  rows: readonly { name: string; meaning: string }[],
): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start === -1) throw new Error(`no table headed "${header}"`);
  for (const row of rows) {
    let i = start + 2;
    let at = -1;
    let present = false;
    for (; i < lines.length && lines[i]?.startsWith('|'); i += 1) {
      const name = /^\| `([^`]+)` \|/.exec(lines[i] ?? '')?.[1];
      if (name === row.name) present = true;
      if (at === -1 && name !== undefined && name > row.name) at = i;
    }
    if (present) continue;
    lines.splice(at === -1 ? i : at, 0, `| \`${row.name}\` | ${row.meaning} |`);
  }
  return lines.join('\n');
}

/** Appends `, \`permission\`` to the second cell of the row whose first cell is `first`. */
export function appendToTableCell(
  text: string,
  first: string,
  additions: readonly string[],
): string {
  return text
    .split('\n')
    .map((line) => {
      const m = new RegExp(`^\\| ${first} \\| (.*?)( \\(\\[|\\s\\|$)`).exec(line);
      if (!m) return line;
      const missing = additions.filter((a) => !line.includes(`\`${a}\``));
      if (missing.length === 0) return line;
      const cut = (m.index ?? 0) + `| ${first} | `.length + (m[1] ?? '').length;
      return `${line.slice(0, cut)}${missing.map((a) => `, \`${a}\``).join('')}${line.slice(cut)}`;
    })
    .join('\n');
}
