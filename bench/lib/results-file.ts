import { readFileSync, writeFileSync } from 'node:fs';

const TITLE = '# Benchmark results';
const INTRO =
  'Written by `pnpm bench --write`: each section below is one run (baselines included), ' +
  'replaced by the next run of the same kind; the Node.js version and database are in its heading.';

/**
 * Replaces the `## heading` section of RESULTS.md (or adds it, before the
 * soak section), keeping every other section as it was.
 */
export function writeSection(file: string, heading: string, body: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '';
  }
  const sections = new Map<string, string>();
  for (const part of text.split(/\n(?=## )/).slice(1)) {
    const newline = part.indexOf('\n');
    sections.set(
      part.slice(3, newline === -1 ? undefined : newline).trim(),
      part.slice(newline + 1).trim(),
    );
  }
  sections.set(heading, body.trim());
  const order = [...sections.keys()].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true }),
  );
  const out = [
    TITLE,
    '',
    INTRO,
    ...order.flatMap((h) => ['', `## ${h}`, '', sections.get(h) ?? '']),
  ].join('\n');
  writeFileSync(file, `${out}\n`);
}

/** The soak goes last. */
function rank(heading: string): number {
  return heading.startsWith('Soak') ? 1 : 0;
}
