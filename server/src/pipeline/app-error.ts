import type { Reason } from '@gatehouse/shared';
import { TRPCError } from '@trpc/server';
import { reasonCode } from './reason-codes';

export interface AppErrorOptions {
  /** A message safe to show the caller; defaults to a generic one per reason. */
  readonly message?: string;
  readonly cause?: unknown;
  /** Seconds before a retry may succeed; becomes `Retry-After`. */
  readonly retryAfterSeconds?: number;
  /**
   * Field-level detail, as for a schema refusal (`error.data.issues`): which input field the
   * reason is about.
   */
  readonly issues?: readonly {
    readonly path: string;
    readonly code: 'custom';
    readonly reason: Reason;
  }[];
}

/**
 * The one error services throw. It carries a stable {@link Reason}; the
 * error formatter turns it into `error.data.reason`, with the tRPC code and
 * HTTP status that reason maps to.
 *
 * @example
 * throw new AppError('INVALID_CREDENTIALS');
 */
export class AppError extends TRPCError {
  readonly reason: Reason;
  readonly retryAfterSeconds: number | undefined;
  readonly issues: AppErrorOptions['issues'];

  constructor(reason: Reason, options: AppErrorOptions = {}) {
    super({
      code: reasonCode(reason),
      message: options.message ?? defaultMessage(reason),
      cause: options.cause,
    });
    this.name = 'AppError';
    this.reason = reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.issues = options.issues;
  }
}

function defaultMessage(reason: Reason): string {
  return reason
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^./, (c) => c.toUpperCase());
}
