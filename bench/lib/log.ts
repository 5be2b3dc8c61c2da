/** A progress line on stderr (stdout carries the tables). */
export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
