import type { Context } from '../pipeline/context';
import { ipRateKey } from '../ratelimit/ip-rate-key';

/**
 * The failure budget one password or second-factor attempt spends, after
 * OWASP's device-cookie scheme: a browser holding a device cookie issued for
 * this account after an earlier successful sign-in spends its own budget
 * (per account and device); every other client spends the account's shared
 * budget, whatever its address, and its address's budget (IPv6 by /64). So
 * guesses spread over many addresses still lock the account for untrusted
 * clients, and the owner's browser still signs in.
 */
export interface LoginBudget {
  /** Whether the request carries a device cookie issued for this account. */
  readonly trusted: boolean;
  /** Milliseconds until this client may try again, or 0. */
  blockedMs(): Promise<number>;
  /** Counts a failed attempt. */
  fail(): Promise<void>;
  /** Clears the failures this client's budget counted. */
  succeed(): Promise<void>;
}

export function loginBudget(ctx: Context, email: string): LoginBudget {
  const { loginLimits, deviceCookies } = ctx.deps;
  const device = deviceCookies.read(ctx.headers.cookie, ctx.secure);
  if (device && deviceCookies.isFor(device, email)) {
    const key = `${email}|${device.deviceId}`;
    return {
      trusted: true,
      blockedMs: () => loginLimits.device.blockedFor(key),
      fail: async () => void (await loginLimits.device.hit(key)),
      succeed: () => loginLimits.device.reset(key),
    };
  }
  const ip = ipRateKey(ctx.ip);
  return {
    trusted: false,
    blockedMs: async () =>
      Math.max(await loginLimits.account.blockedFor(email), await loginLimits.ip.blockedFor(ip)),
    fail: async () =>
      void (await Promise.all([loginLimits.account.hit(email), loginLimits.ip.hit(ip)])),
    succeed: () => loginLimits.account.reset(email),
  };
}
