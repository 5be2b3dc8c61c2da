import { isReason, type Reason } from '@gatehouse/shared';
import { TRPCClientError } from '@trpc/client';
import type { GatehouseErrorData } from './gatehouse-error-shape';
import { GatehouseError } from './gatehouse-error';
import { reasonForStatus } from './reason-for-status';
import { TransportFailure } from './transport-failure';

const CODE_REASONS: Readonly<Record<string, Reason>> = {
  PARSE_ERROR: 'MALFORMED_JSON',
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_SUPPORTED: 'METHOD_NOT_SUPPORTED',
  TIMEOUT: 'TIMEOUT',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  TOO_MANY_REQUESTS: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

/**
 * Turns whatever a tRPC call rejected with into a {@link GatehouseError}:
 * the server's error envelope when there is one, else the transport failure
 * beneath it, else an `INTERNAL` error that keeps the original as `cause`.
 */
export function toGatehouseError(err: unknown): GatehouseError {
  if (err instanceof GatehouseError) return err;
  const failure = findTransportFailure(err);
  if (failure) {
    return new GatehouseError({
      reason: failure.reason,
      message: failure.message,
      httpStatus: failure.httpStatus,
      requestId: failure.requestId,
      cause: err,
    });
  }
  if (!(err instanceof TRPCClientError)) {
    return new GatehouseError({
      reason: 'INTERNAL',
      message: err instanceof Error ? err.message : 'Unknown error',
      cause: err,
    });
  }
  const data = err.data as Partial<GatehouseErrorData> | undefined;
  const response = (err.meta as { response?: Response } | undefined)?.response;
  const httpStatus = data?.httpStatus ?? response?.status;
  const requestId = data?.requestId ?? response?.headers.get('x-request-id') ?? undefined;
  if (data && isReason(data.reason)) {
    return new GatehouseError({
      reason: data.reason,
      message: err.message,
      httpStatus,
      requestId,
      code: data.code,
      issues: data.issues,
      retryAfterSeconds: data.retryAfterSeconds,
      cause: err,
    });
  }
  // tRPC's batch loader refuses a single query whose URL is over maxURLLength.
  if (err.message === 'Input is too big for a single dispatch') {
    return new GatehouseError({
      reason: 'URL_TOO_LONG',
      message: 'The query input is too large to send in a URL',
      cause: err,
    });
  }
  const reason =
    (data?.code !== undefined ? CODE_REASONS[data.code] : undefined) ??
    (httpStatus !== undefined ? reasonForStatus(httpStatus) : 'INTERNAL');
  return new GatehouseError({
    reason,
    message: err.message,
    httpStatus,
    requestId,
    code: data?.code,
    cause: err,
  });
}

function findTransportFailure(err: unknown): TransportFailure | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof TransportFailure) return e;
  }
  return undefined;
}
