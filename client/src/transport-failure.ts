import type { Reason } from '@gatehouse/shared';

/**
 * A failure below tRPC (timeout, network, a non-JSON answer from a proxy,
 * the token endpoint). Thrown from the transport's fetch; tRPC wraps it as
 * the cause of its own error, and the client turns it into a GatehouseError.
 */
export class TransportFailure extends Error {
  readonly reason: Reason;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;

  constructor(
    reason: Reason,
    message: string,
    options: { httpStatus?: number; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TransportFailure';
    this.reason = reason;
    this.httpStatus = options.httpStatus;
    this.requestId = options.requestId;
  }
}
