import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestState } from '../request-state';

/**
 * What one step of the front door decided: `continue` to the next step,
 * `handled` when it answered (or will answer) the request itself, `pending`
 * when it will call {@link runSteps} again once its asynchronous check passes.
 */
export type Verdict = 'continue' | 'handled' | 'pending';

/**
 * One request at the front door: built once on arrival (`begin-request.ts`), read by every step.
 */
export interface Arrival {
  readonly state: RequestState;
  readonly url: string;
  /** Index of `?` in the URL, or -1. */
  readonly q: number;
  readonly pathname: string;
  /** The query string without `?` ('' when there is none). */
  readonly search: string;
  /** A trusted proxy said the client spoke plain HTTP. */
  readonly viaPlainHttp: boolean;
  /** The step {@link runSteps} resumes at. */
  next: number;
}

/** One check or route of the front door; steps run in the order of their list. */
export type FrontDoorStep = (
  req: IncomingMessage,
  res: ServerResponse,
  arrival: Arrival,
) => Verdict;

/**
 * Runs `steps` from `arrival.next` until one does not say `continue`. A
 * `pending` step calls this again later; `arrival.next` already points past it.
 */
export function runSteps(
  steps: readonly FrontDoorStep[],
  req: IncomingMessage,
  res: ServerResponse,
  arrival: Arrival,
): void {
  while (arrival.next < steps.length) {
    const step = steps[arrival.next++]!;
    if (step(req, res, arrival) !== 'continue') return;
  }
}
