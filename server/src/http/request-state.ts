import type { Logger } from 'pino';

/** What the HTTP layer knows about one request, shared with the access log. */
export interface RequestState {
  readonly requestId: string;
  readonly ip: string;
  readonly secure: boolean;
  readonly startedAt: number;
  readonly log: Logger;
  /** Procedure paths called, for the access log (bounded by the batch limit). */
  procedures: readonly string[];
  /** Refusal reason, when the request was refused before or by a procedure. */
  reason: string | undefined;
}
