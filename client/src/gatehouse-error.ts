import type { Reason } from '@gatehouse/shared';
import type { ValidationIssue } from './gatehouse-error-shape';

// A registered symbol, so the guard also works across two copies of the package.
const BRAND = Symbol.for('@gatehouse/client.GatehouseError');

export interface GatehouseErrorInit {
  readonly reason: Reason;
  readonly message: string;
  /** Undefined when no HTTP response arrived (network failure, timeout). */
  readonly httpStatus?: number | undefined;
  readonly requestId?: string | undefined;
  readonly code?: string | undefined;
  readonly issues?: readonly ValidationIssue[] | undefined;
  readonly retryAfterSeconds?: number | undefined;
  readonly cause?: unknown;
}

/**
 * Every failed call rejects with this (except a call you aborted yourself,
 * which rejects with your signal's reason, as `fetch` does). Branch on
 * `reason`, never on `message`.
 *
 * @example
 * try {
 *   await client.auth.signIn.mutate({ email, password });
 * } catch (err) {
 *   if (isGatehouseError(err, 'INVALID_CREDENTIALS')) showWrongPassword();
 *   else throw err;
 * }
 */
export class GatehouseError extends Error {
  readonly [BRAND] = true;
  /** The machine-readable reason, one of `REASONS`. */
  readonly reason: Reason;
  readonly httpStatus: number | undefined;
  /** The server's request id: quote it when reporting a problem. */
  readonly requestId: string | undefined;
  /** tRPC's error code, e.g. `UNAUTHORIZED`. */
  readonly code: string | undefined;
  /** Input validation problems (path and kind), empty for other errors. */
  readonly issues: readonly ValidationIssue[];
  /** How long the server asked to wait before trying again. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: GatehouseErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatehouseError';
    this.reason = init.reason;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.code = init.code;
    this.issues = init.issues ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/**
 * Whether `value` is a {@link GatehouseError}, optionally with one of the
 * given reasons (the type narrows to them).
 */
export function isGatehouseError<R extends Reason = Reason>(
  value: unknown,
  ...reasons: readonly R[]
): value is GatehouseError & { readonly reason: R } {
  if (!(value instanceof Error) || (value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return (
    reasons.length === 0 ||
    (reasons as readonly Reason[]).includes((value as GatehouseError).reason)
  );
}
