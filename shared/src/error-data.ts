import type { Reason } from './reasons';

/** One input validation problem: where and what kind (never the rule's text). */
export interface ValidationIssue {
  readonly path: string;
  readonly code: string;
  readonly reason?: Reason;
}

/**
 * `error.data` of every Gatehouse error response: built by the server's error
 * formatter (server/src/pipeline/trpc.ts), read by the client SDK.
 */
export interface GatehouseErrorData {
  readonly code: string;
  readonly httpStatus: number;
  readonly path?: string;
  readonly reason: Reason;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
  readonly issues?: readonly ValidationIssue[];
  /** Development only, and only on an unexpected error. */
  readonly stack?: string;
}
