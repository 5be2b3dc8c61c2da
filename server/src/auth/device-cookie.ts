import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseCookies } from '../http/parse-cookies';

export const SECURE_DEVICE_COOKIE = '__Host-gatehouse_device';
export const PLAIN_DEVICE_COOKIE = 'gatehouse_device';

/** A device cookie whose MAC checked out: issued by us after a successful sign-in. */
export interface TrustedDevice {
  /** 128 random bits, kept when the cookie is renewed. */
  readonly deviceId: string;
  readonly keyId: string;
  /** Binds the cookie to the account it signed in to (an HMAC of the email, not the email). */
  readonly accountTag: string;
}

/**
 * OWASP's device cookie: a browser that completed a sign-in gets a signed
 * cookie `<kid>.<deviceId>.<expires>.<accountTag>.<mac>` (HMAC-SHA256 under a
 * key derived with HKDF from the key ring's newest key; every ring key
 * verifies). It is not a credential: it only gives the browser its own
 * failure budget for that account and a reserved place in the password
 * hasher's queue, so an attacker who exhausts the account's shared budget
 * (or floods the hasher) does not lock its owner out.
 */
export interface DeviceCookies {
  /**
   * `Set-Cookie` for a browser that just signed in to `email` (keeps its device id when it has
   * one).
   */
  issue(email: string, options: { secure: boolean; deviceId?: string }): string;
  /** The cookie's device when its MAC verifies and it has not expired. */
  read(cookieHeader: string | undefined, secure: boolean): TrustedDevice | undefined;
  /** Whether a verified device cookie was issued for this email. */
  isFor(device: TrustedDevice, email: string): boolean;
}

export function createDeviceCookies(options: {
  keys: readonly { readonly id: string; readonly key: Buffer }[];
  maxAgeSeconds: number;
  now?: () => number;
}): DeviceCookies {
  const now = options.now ?? Date.now;
  const derived = new Map(
    options.keys.map((k) => [
      k.id,
      Buffer.from(hkdfSync('sha256', k.key, Buffer.alloc(0), 'gatehouse device cookie v1', 32)),
    ]),
  );
  const newest = options.keys[0];
  if (!newest) throw new Error('the device cookie needs at least one key');
  const mac = (key: Buffer, message: string): Buffer =>
    createHmac('sha256', key).update(message).digest();
  const tagFor = (key: Buffer, email: string): string =>
    mac(key, `account|${email}`).subarray(0, 16).toString('base64url');
  const name = (secure: boolean): string => (secure ? SECURE_DEVICE_COOKIE : PLAIN_DEVICE_COOKIE);

  return {
    issue(email, { secure, deviceId }) {
      const key = derived.get(newest.id) as Buffer;
      const id = deviceId ?? randomBytes(16).toString('base64url');
      const expires = Math.floor(now() / 1000) + options.maxAgeSeconds;
      const body = `${newest.id}.${id}.${expires}.${tagFor(key, email)}`;
      const value = `${body}.${mac(key, body).toString('base64url')}`;
      const parts = [
        `${name(secure)}=${value}`,
        'Path=/',
        'HttpOnly',
        'SameSite=Lax',
        `Max-Age=${options.maxAgeSeconds}`,
      ];
      if (secure) parts.push('Secure');
      return parts.join('; ');
    },
    read(cookieHeader, secure) {
      const value = parseCookies(cookieHeader)[name(secure)];
      if (!value) return undefined;
      const parts = value.split('.');
      if (parts.length !== 5) return undefined;
      const [kid = '', deviceId = '', expires = '', accountTag = '', given = ''] = parts;
      const key = derived.get(kid);
      if (!key || !/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= now()) return undefined;
      // Compared as text: base64url decoding ignores the last character's spare
      // bits, so a changed final character could otherwise still verify.
      const expected = Buffer.from(
        mac(key, `${kid}.${deviceId}.${expires}.${accountTag}`).toString('base64url'),
      );
      const actual = Buffer.from(given);
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
      return { deviceId, keyId: kid, accountTag };
    },
    isFor(device, email) {
      const key = derived.get(device.keyId);
      if (!key) return false;
      const expected = Buffer.from(tagFor(key, email));
      const actual = Buffer.from(device.accountTag);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
  };
}
