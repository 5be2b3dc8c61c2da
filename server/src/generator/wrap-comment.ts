/** Words wrapped into comment lines of at most `width` columns, each starting with `prefix`. */
export function wrapComment(text: string, prefix: string, width = 100): string {
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== prefix && line.length + 1 + word.length > width) {
      lines.push(line);
      line = prefix;
    }
    line = line === prefix ? `${prefix}${word}` : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}
