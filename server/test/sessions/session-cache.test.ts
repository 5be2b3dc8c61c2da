import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../src/sessions/session-cache';
import { createLocalRevocationBus } from '../../src/sessions/revocation-bus';
import type { ValidatedSession } from '../../src/sessions/session-types';

const session = { id: 's1', userId: 'u1' } as ValidatedSession;
const hash = Buffer.alloc(32);

describe('the session cache', () => {
  it('does not store a read that began before a revocation (it may predate it)', async () => {
    const bus = createLocalRevocationBus();
    const cache = new SessionCache(bus, 10_000);
    const stamp = cache.stamp(); // a request starts reading s1 from the database…
    await bus.publish({ sessionIds: ['s1'] }); // …s1 is signed out meanwhile…
    cache.set(session, hash, 0, stamp); // …and what it read must not be served.
    expect(cache.get('s1', 1)).toBeUndefined();
    const later = cache.stamp();
    await bus.publish({ userId: 'someone else' });
    cache.set(session, hash, 0, later);
    expect(cache.get('s1', 1)).toBeUndefined();
    cache.set(session, hash, 0, cache.stamp());
    expect(cache.get('s1', 1)?.session.id).toBe('s1');
  });
});
