import type { Scenario } from './scenario';

const CALLS = 5;

/**
 * Scenario 5: five queries in one batched request (what `httpBatchLink`
 * sends when a page asks for five things at once). All five are
 * `system.version` until more public queries exist; one context, five calls.
 */
export const batchOfFive: Scenario = {
  id: '5-batch-of-5',
  title: 'batch of 5 queries (system.version ×5)',
  baseline: 'raw',
  callsPerRequest: CALLS,
  prepare: () => {
    const paths = Array.from({ length: CALLS }, () => 'system.version').join(',');
    return Promise.resolve({ method: 'GET', path: `/trpc/${paths}?batch=1` });
  },
  check: (status, body) =>
    status === 200 && Array.isArray(body) && body.length === CALLS
      ? undefined
      : `expected 200 with ${CALLS} results, got ${status}`,
};
