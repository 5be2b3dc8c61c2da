import { REASONS, type Reason } from '@gatehouse/shared';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { reasonCode } from '../pipeline/reason-codes';

/** Reasons whose HTTP status is more precise than their tRPC code's (tRPC has no 414). */
const REASON_STATUS: Partial<Record<Reason, number>> = {
  URL_TOO_LONG: 414,
};

/** Every reason's status, worked out once: tRPC's status for its code unless listed above. */
const STATUS: ReadonlyMap<Reason, number> = new Map(
  REASONS.map((reason) => [
    reason,
    REASON_STATUS[reason] ??
      getHTTPStatusCodeFromError(new TRPCError({ code: reasonCode(reason) })),
  ]),
);

/** The HTTP status a reason is answered with. */
export function reasonStatus(reason: Reason): number {
  return STATUS.get(reason) ?? 500;
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
