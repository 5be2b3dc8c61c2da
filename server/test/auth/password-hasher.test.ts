import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, createPasswordHasher } from '../../src/auth/password-hasher';

describe('password hasher', () => {
  it('hashes with argon2id at OWASP parameters and verifies', async () => {
    const hasher = await createPasswordHasher({ concurrency: 2 });
    const h = await hasher.hash('a long enough passphrase');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(h, 'a long enough passphrase')).toBe(true);
    expect(await hasher.verify(h, 'another passphrase')).toBe(false);
    expect(hasher.needsRehash(h)).toBe(false);
  });

  it('verifies against a dummy hash when there is no account (and never succeeds)', async () => {
    const hasher = await createPasswordHasher({ concurrency: 2 });
    expect(await hasher.verify(undefined, 'gatehouse dummy password for unknown accounts')).toBe(
      false,
    );
  });

  it('flags hashes with outdated parameters for rehash', async () => {
    const hasher = await createPasswordHasher({ concurrency: 2 });
    const old = await hash('a long enough passphrase', {
      ...ARGON2_PARAMS,
      memoryCost: 4096,
      timeCost: 1,
    });
    expect(hasher.needsRehash(old)).toBe(true);
    expect(await hasher.verify(old, 'a long enough passphrase')).toBe(true);
    expect(hasher.needsRehash('not a hash')).toBe(true);
  });

  it('answers RATE_LIMITED at once on a full queue, keeping device-cookie places', async () => {
    const hasher = await createPasswordHasher({ concurrency: 1, maxQueue: 4 });
    expect(hasher.reserved).toBe(1);
    const shared = Array.from({ length: 6 }, (_, i) =>
      hasher.hash(`shared passphrase number ${i}`),
    );
    expect(hasher.isSaturated()).toBe(true);
    expect(hasher.isSaturated('reserved')).toBe(false);
    const reserved = hasher.hash('a device-cookie holder passphrase', { lane: 'reserved' });
    expect(hasher.isSaturated('reserved')).toBe(true);
    const results = await Promise.allSettled(shared);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(2);
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({
      reason: 'RATE_LIMITED',
      retryAfterSeconds: 1,
    });
    await expect(reserved).resolves.toMatch(/^\$argon2id\$/);
  });
});
