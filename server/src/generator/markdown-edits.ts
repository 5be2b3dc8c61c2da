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

/**
 * Appends each permission (with its note, if any) to the end of the second cell of the row whose
 * first cell is `first`, unless the row names it already.
 */
export function appendToTableCell(
  text: string,
  first: string,
  additions: readonly { permission: string; note?: string }[],
): string {
  return text
    .split('\n')
    .map((line) => {
      if (!line.startsWith(`| ${first} | `) || !line.endsWith(' |')) return line;
      const missing = additions.filter((a) => !line.includes(`\`${a.permission}\``));
      if (missing.length === 0) return line;
      const added = missing.map((a) => `, \`${a.permission}\`${a.note ? ` (${a.note})` : ''}`);
      return `${line.slice(0, -2)}${added.join('')} |`;
    })
    .join('\n');
}
