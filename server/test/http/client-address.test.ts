import { describe, expect, it } from 'vitest';
import { createClientAddressResolver } from '../../src/http/client-address';
import { fakeRequest } from './fake-request';

const spoofed = { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https' };

describe('client address and scheme (TRUST_PROXY)', () => {
  it('ignores forwarded headers without TRUST_PROXY', () => {
    const resolve = createClientAddressResolver(undefined);
    expect(resolve(fakeRequest({ headers: spoofed, remoteAddress: '::ffff:203.0.113.9' }))).toEqual(
      { ip: '203.0.113.9', secure: false },
    );
  });

  it('ignores them from a peer that is not a trusted proxy', () => {
    const resolve = createClientAddressResolver({ hops: 0, cidrs: ['10.0.0.0/8'] });
    expect(resolve(fakeRequest({ headers: spoofed, remoteAddress: '203.0.113.9' }))).toEqual({
      ip: '203.0.113.9',
      secure: false,
    });
  });

  it('takes the right-most untrusted address from a trusted proxy chain', () => {
    const resolve = createClientAddressResolver({ hops: 0, cidrs: ['10.0.0.0/8', '127.0.0.1'] });
    const req = fakeRequest({
      headers: {
        'x-forwarded-for': '6.6.6.6, 198.51.100.7, 10.1.2.3',
        'x-forwarded-proto': 'https',
      },
      remoteAddress: '127.0.0.1',
    });
    // 6.6.6.6 is whatever the client claimed; 198.51.100.7 is who reached our first proxy.
    expect(resolve(req)).toEqual({ ip: '198.51.100.7', secure: true });
  });

  it('counts hops from the right with a hop count', () => {
    const resolve = createClientAddressResolver({ hops: 1, cidrs: [] });
    const req = fakeRequest({
      headers: { 'x-forwarded-for': '6.6.6.6, 198.51.100.7' },
      remoteAddress: '10.0.0.5',
    });
    expect(resolve(req).ip).toBe('198.51.100.7');
    // Fewer entries than hops: the left-most one, never an index out of range.
    const short = createClientAddressResolver({ hops: 5, cidrs: [] });
    expect(
      short(
        fakeRequest({ headers: { 'x-forwarded-for': '198.51.100.7' }, remoteAddress: '10.0.0.5' }),
      ).ip,
    ).toBe('198.51.100.7');
  });

  it('skips garbage entries in X-Forwarded-For', () => {
    const resolve = createClientAddressResolver({ hops: 0, cidrs: ['127.0.0.1'] });
    const req = fakeRequest({
      headers: { 'x-forwarded-for': '198.51.100.7, not-an-ip, <script>' },
      remoteAddress: '127.0.0.1',
    });
    expect(resolve(req).ip).toBe('198.51.100.7');
  });

  it('believes only the last X-Forwarded-Proto, and only from a trusted proxy', () => {
    const resolve = createClientAddressResolver({ hops: 0, cidrs: ['127.0.0.1'] });
    expect(
      resolve(
        fakeRequest({
          headers: { 'x-forwarded-proto': 'https, http' },
          remoteAddress: '127.0.0.1',
        }),
      ).secure,
    ).toBe(false);
    expect(
      resolve(
        fakeRequest({ headers: { 'x-forwarded-proto': 'https' }, remoteAddress: '127.0.0.1' }),
      ).secure,
    ).toBe(true);
    expect(resolve(fakeRequest({ encrypted: true, remoteAddress: '203.0.113.9' })).secure).toBe(
      true,
    );
  });
});
