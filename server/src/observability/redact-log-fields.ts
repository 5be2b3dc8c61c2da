import { CREDENTIAL_SHAPE } from '../crypto/credential-shape';

/**
 * Member names whose values never reach a log line, at any depth, in any
 * case: `password`, `newPassword`, `token`, `access_token`, `clientSecret`,
 * `x-api-key`, `authorization`, `cookie`… but not `apiKeyId` or `tokenType`.
 */
const SECRET_NAMES = [
  'authorization',
  '(?:set-)?cookie',
  '(?:current|new|old)?_?password',
  '(?:access|refresh|id|session|reset)?_?token',
  '(?:client)?_?secret',
  'api[-_]?key',
  'otp',
  'totp',
  '(?:mfa|totp|recovery|backup|verification)_?code',
];
const SECRET_KEY = new RegExp(`^(?:x-)?(?:${SECRET_NAMES.join('|')})$`, 'i');

const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

/**
 * A log line's fields with every secret replaced by `[redacted]`: a member
 * named like a credential (at any depth, any case) and any string shaped like
 * one. Copy-on-write: an object with nothing to redact is returned as is, so
 * the common access-log line costs one pass over a handful of fields and no
 * allocation (pino's path-based redaction with wildcards cost a third of the
 * server's CPU on a trivial call).
 *
 * @example
 * redactLogFields({ user: { password: 'p' }, n: 1 }) // → { user: { password: '[redacted]' }, n: 1
 * }
 */
export function redactLogFields<T extends object>(fields: T): T {
  return walk(fields, 0) as T;
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return CREDENTIAL_SHAPE.test(value) ? CENSOR : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const w = walk(v, depth + 1);
      if (w !== v) {
        copy ??= value.slice();
        copy[i] = w;
      }
    }
    return copy ?? value;
  }
  if (ArrayBuffer.isView(value) || value instanceof Date) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const w = SECRET_KEY.test(key) ? CENSOR : walk(v, depth + 1);
    if (w !== v) {
      copy ??= copyOf(value);
      copy[key] = w;
    }
  }
  return copy ?? value;
}

/**
 * A plain copy; an Error keeps its (non-enumerable) type, message and stack so pino's err
 * serializer still reads it.
 */
function copyOf(value: object): Record<string, unknown> {
  if (value instanceof Error) {
    const copy = Object.assign(
      Object.create(Object.getPrototypeOf(value) as object) as Record<string, unknown>,
      value,
    );
    Object.defineProperty(copy, 'message', { value: value.message, enumerable: false });
    Object.defineProperty(copy, 'stack', { value: value.stack, enumerable: false });
    if ('cause' in value)
      Object.defineProperty(copy, 'cause', { value: walk(value.cause, 1), enumerable: false });
    return copy;
  }
  return { ...value };
}
