import type { ServerResponse } from 'node:http';

/**
 * One signal for the whole request (every batched call shares it), aborted
 * when the connection closes before the response was written: the client
 * went away, so work started for it may stop.
 */
export function requestAbortSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableEnded) controller.abort();
  });
  return controller.signal;
}
