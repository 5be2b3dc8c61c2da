import { describe, expect, it } from 'vitest';
import { ipRateKey } from '../../src/ratelimit/ip-rate-key';

describe('ipRateKey', () => {
  it('keeps IPv4 addresses', () => {
    expect(ipRateKey('203.0.113.9')).toBe('203.0.113.9');
    expect(ipRateKey('::ffff:203.0.113.9')).toBe('::ffff:203.0.113.9');
  });
  it('counts IPv6 addresses by their /64, however they are written', () => {
    expect(ipRateKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(ipRateKey('2001:DB8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(ipRateKey('2001:0db8:0001:0002:0000:0000:0000:0001')).toBe('2001:db8:1:2::/64');
    expect(ipRateKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipRateKey('::1')).toBe('0:0:0:0::/64');
    expect(ipRateKey('2001:db8:1:3::1')).not.toBe(ipRateKey('2001:db8:1:2::1'));
  });
});
