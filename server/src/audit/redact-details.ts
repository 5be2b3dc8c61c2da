import { CREDENTIAL_SHAPE } from '../crypto/credential-shape';

const SECRET_KEY = /pass(word)?|token|secret|hash|key|code|authorization|cookie|otp|challenge/i;

/**
 * NUL and unpaired surrogates: PostgreSQL's jsonb refuses them, which would
 * fail the caller's transaction.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Audit details with every secret-looking member replaced, recursively: a
 * password, token, hash, key or code never reaches the log, even by mistake.
 * Strings are also checked by shape, shortened, and made storable.
 *
 * @example
 * redactDetails({ reason: 'x', password: 'p', nested: { apiKey: 'k' } })
 * // → { reason: 'x', password: '[redacted]', nested: { apiKey: '[redacted]' } }
 */
export function redactDetails(
  details: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return (redact(details ?? {}, 0) as Record<string, unknown>) ?? {};
}

function redact(value: unknown, depth: number): unknown {
  if (depth > 8) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[storable(k)] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'string') {
    if (CREDENTIAL_SHAPE.test(value)) return '[redacted]';
    return storable(value.length > 1000 ? `${value.slice(0, 1000)}…` : value);
  }
  return value;
}

function storable(s: string): string {
  return s.replace(UNSTORABLE, '\uFFFD');
}
