import type { Scenario } from './scenario';

/** Scenario 1: the public, database-free query. */
export const systemVersion: Scenario = {
  id: '1-system-version',
  title: 'system.version (public, no database)',
  baseline: 'raw',
  target: 0.35,
  callsPerRequest: 1,
  prepare: () => Promise.resolve({ method: 'GET', path: '/trpc/system.version' }),
  check: (status, body) =>
    status === 200 &&
    (body as { result?: { data?: { name?: unknown } } }).result?.data?.name === 'gatehouse'
      ? undefined
      : `expected 200 with the version, got ${status}`,
};
