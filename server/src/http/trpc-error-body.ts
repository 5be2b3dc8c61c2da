import type { Reason } from '@gatehouse/shared';
import {
  TRPC_ERROR_CODES_BY_KEY,
  type TRPC_ERROR_CODE_KEY,
} from '@trpc/server/unstable-core-do-not-import';
import { reasonCode } from '../pipeline/reason-codes';

const STATUS: Partial<Record<TRPC_ERROR_CODE_KEY, number>> = {
  PARSE_ERROR: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  TIMEOUT: 408,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE_CONTENT: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

/** Reasons whose HTTP status is more precise than their tRPC code's (tRPC has no 414). */
const REASON_STATUS: Partial<Record<Reason, number>> = {
  URL_TOO_LONG: 414,
};

/** The HTTP status a reason is answered with. */
export function reasonStatus(reason: Reason): number {
  return REASON_STATUS[reason] ?? STATUS[reasonCode(reason)] ?? 500;
}

/**
 * A refusal made before tRPC runs (body too large, wrong media type, batch
 * too large...), in exactly the envelope tRPC uses for its own errors, so the
 * client SDK and curl users see one error shape.
 */
export function trpcErrorBody(
  reason: Reason,
  message: string,
  requestId: string,
): { status: number; body: unknown } {
  const code = reasonCode(reason);
  const status = reasonStatus(reason);
  return {
    status,
    body: {
      error: {
        code: TRPC_ERROR_CODES_BY_KEY[code],
        message,
        data: { code, httpStatus: status, reason, requestId },
      },
    },
  };
}
