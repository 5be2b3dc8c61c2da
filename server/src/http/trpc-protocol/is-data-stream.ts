import { isAsyncIterable, isObject, isPromise } from '../../pipeline/trpc-internals';

/**
 * Whether a result can only be sent streamed (an async iterable, or an
 * object holding promises or iterables), which tRPC refuses outside
 * `httpBatchStreamLink`. Mirrors tRPC's own check so both answer alike.
 */
export function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  for (const v of Object.values(value)) if (isPromise(v) || isAsyncIterable(v)) return true;
  return false;
}
