import type { AuthDeps, RedisDeps } from '../app-deps';
import { createAttemptLimiter, type AttemptLimiter } from '../auth/attempt-limiter';
import { preloadCommonPasswords } from '../auth/common-passwords';
import { createDeviceCookies } from '../auth/device-cookie';
import { createPasswordHasher } from '../auth/password-hasher';
import type { Config } from '../config';
import { createSignInAdmission } from '../http/sign-in-admission';
import { createProviderClients } from '../identity-providers/provider-clients';
import type { Slice } from './slice';

/** The password hasher, sign-in admission, device cookies, and the sign-in and reset budgets. */
export async function authSlice(config: Config, { redis }: RedisDeps): Promise<Slice<AuthDeps>> {
  preloadCommonPasswords();
  const passwords = await createPasswordHasher({ concurrency: config.auth.argon2Concurrency });
  const lockout = config.auth.loginLockoutSeconds;
  const attempts = (prefix: string, points: number, windowSeconds: number): AttemptLimiter =>
    createAttemptLimiter({
      prefix: `${config.redisKeyPrefix}:${prefix}`,
      points,
      windowSeconds,
      redis,
    });
  const deps: AuthDeps = {
    passwords,
    signInAdmission: createSignInAdmission(passwords),
    loginLimits: {
      account: attempts('login-account', config.auth.loginMaxFailuresPerAccount, lockout),
      ip: attempts('login-ip', config.auth.loginMaxFailuresPerIp, lockout),
      device: attempts('login-device', config.auth.loginMaxFailuresPerAccount, lockout),
    },
    deviceCookies: createDeviceCookies({
      keys: config.encryptionKeys,
      maxAgeSeconds: config.auth.loginDeviceCookieDays * 86_400,
    }),
    resetLimits: {
      email: attempts('reset-email', config.auth.passwordResetPerEmailPerHour, 3600),
      ip: attempts('reset-ip', config.auth.passwordResetPerIpPerHour, 3600),
    },
    identityProviders: createProviderClients(config.identityProviders),
  };
  return { deps, close: () => undefined };
}
