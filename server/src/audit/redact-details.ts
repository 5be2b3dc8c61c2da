const SECRET_KEY = /pass(word)?|token|secret|hash|key|code|authorization|cookie|otp|challenge/i;

/**
 * Audit details with every secret-looking member replaced, recursively: a
 * password, token, hash, key or code never reaches the log, even by mistake.
 */
export function redactDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  return (redact(details ?? {}, 0) as Record<string, unknown>) ?? {};
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 8) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string' && value.length > 1000) return `${value.slice(0, 1000)}…`;
  return value;
}
