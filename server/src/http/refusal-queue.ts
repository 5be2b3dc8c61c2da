import { performance } from 'node:perf_hooks';

/**
 * Load-shedding refusals (429s) answered at low priority.
 *
 * A flood arrives as many requests at once. Answering each refusal where it is
 * parsed (logging it, writing it) keeps the event loop busy for the whole
 * burst, and a legitimate request parsed in the same turn waits behind all of
 * them. Queued here instead, refusals are answered from `setImmediate` in
 * slices of about `sliceMs`: between two slices the loop polls again and
 * serves whatever else has arrived, so other callers wait at most one slice
 * plus parsing. The queue cannot outgrow the open connections: HTTP/1.1 reads
 * a connection's next request only after the current one is answered.
 */
export interface RefusalQueue {
  /** Runs `answer` soon, after other ready work; skipped if the client has gone. */
  push(isGone: () => boolean, answer: () => void): void;
  /** Refusals not yet answered. */
  readonly pending: number;
}

export function createRefusalQueue(onError: (err: unknown) => void, sliceMs = 1): RefusalQueue {
  let queue: Array<{ isGone: () => boolean; answer: () => void }> = [];
  let head = 0;
  let scheduled = false;

  const drain = (): void => {
    const deadline = performance.now() + sliceMs;
    while (head < queue.length) {
      const item = queue[head];
      queue[head++] = undefined as never;
      try {
        if (item && !item.isGone()) item.answer();
      } catch (err) {
        onError(err);
      }
      if (performance.now() >= deadline) break;
    }
    if (head < queue.length) {
      setImmediate(drain);
      return;
    }
    queue = [];
    head = 0;
    scheduled = false;
  };

  return {
    push(isGone, answer) {
      queue.push({ isGone, answer });
      if (!scheduled) {
        scheduled = true;
        setImmediate(drain);
      }
    },
    get pending() {
      return queue.length - head;
    },
  };
}
