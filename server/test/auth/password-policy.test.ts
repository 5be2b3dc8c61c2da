import { signUpInputSchema } from '@gatehouse/shared';
import { describe, expect, it } from 'vitest';
import { isCommonPassword } from '../../src/auth/common-passwords';
import { passwordProblem } from '../../src/auth/password-policy';

describe('password policy (NIST SP 800-63B-4)', () => {
  it('ships at least the 100,000 most common passwords', async () => {
    const { preloadCommonPasswords } = await import('../../src/auth/common-passwords');
    expect(preloadCommonPasswords()).toBeGreaterThanOrEqual(100_000);
    expect(isCommonPassword('123456')).toBe(true);
    expect(isCommonPassword('PASSWORD')).toBe(true);
  });

  it.each([
    ['short', 'PASSWORD_TOO_SHORT'],
    ['fourteen chars', 'PASSWORD_TOO_SHORT'],
    ['x'.repeat(257), 'PASSWORD_TOO_LONG'],
    ['1qaz2wsx3edc4rfv', 'PASSWORD_TOO_COMMON'],
    ['123456789987654321', 'PASSWORD_TOO_COMMON'],
    ['hello from alice.smith!', 'PASSWORD_CONTAINS_EMAIL'],
  ])('refuses %j with %s', (password, reason) => {
    expect(passwordProblem(password, 'alice.smith@example.com', 15)).toBe(reason);
  });

  it('accepts a long passphrase with no composition rules, and counts code points', () => {
    expect(passwordProblem('correct horse battery staple', 'a@example.com', 15)).toBeUndefined();
    expect(passwordProblem('🐴🐴🐴🐴🐴🐴🐴🐴🐴🐴🐴🐴🐴🐴🐴', 'a@example.com', 15)).toBeUndefined();
    expect(passwordProblem('x'.repeat(256), 'a@example.com', 15)).toBeUndefined();
  });

  it('honours a configured minimum, never below 8', () => {
    expect(passwordProblem('nine char', 'a@example.com', 8)).toBeUndefined();
    expect(passwordProblem('sevench', 'a@example.com', 8)).toBe('PASSWORD_TOO_SHORT');
  });

  it('the client-side schema refuses what the server refuses for length and email name', () => {
    const schema = signUpInputSchema();
    for (const password of ['short', 'x'.repeat(257), 'hello from alice.smith!']) {
      const serverSays = passwordProblem(password, 'alice.smith@example.com', 15);
      const client = schema.safeParse({ email: 'alice.smith@example.com', password });
      expect(serverSays).toBeDefined();
      expect(client.success).toBe(false);
      const reason = (client.error?.issues[0] as { params?: { reason?: string } } | undefined)
        ?.params?.reason;
      expect(reason).toBe(serverSays);
    }
  });
});
