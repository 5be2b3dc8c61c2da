import type { Reason } from '@gatehouse/shared';
import type { TRPC_ERROR_CODE_NUMBER } from '@trpc/server';

/** One input validation problem: where and what kind (never the rule's text). */
export interface ValidationIssue {
  readonly path: string;
  readonly code: string;
  readonly reason?: Reason;
}

/** `error.data` of every Gatehouse error response. */
export interface GatehouseErrorData {
  readonly code: string;
  readonly httpStatus: number;
  readonly path?: string;
  readonly reason: Reason;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;
  readonly issues?: readonly ValidationIssue[];
  readonly stack?: string;
}

/** The JSON error envelope the server answers with. */
export interface GatehouseErrorShape {
  readonly code: TRPC_ERROR_CODE_NUMBER;
  readonly message: string;
  readonly data: GatehouseErrorData;
}
