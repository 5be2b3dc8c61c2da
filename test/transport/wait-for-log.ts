/**
 * Waits until a spawned server has written a JSON log line matching
 * `predicate` (at index `from` or later), and returns it.
 */
export async function waitForLog(
  output: readonly string[],
  predicate: (line: Record<string, unknown>) => boolean,
  options: { from?: number; timeoutMs?: number } = {},
): Promise<Record<string, unknown>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let seen = options.from ?? 0;
  for (;;) {
    for (; seen < output.length; seen++) {
      try {
        const line = JSON.parse(output[seen] ?? '') as Record<string, unknown>;
        if (predicate(line)) return line;
      } catch {
        // not JSON
      }
    }
    if (Date.now() > deadline)
      throw new Error(
        `no matching log line within ${timeoutMs} ms:\n${output.slice(-20).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}
