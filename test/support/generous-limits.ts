/**
 * Request-rate limits far above anything a functional test sends, so a test
 * that signs up a cast and makes a few hundred calls is never refused for its
 * pace. Only the per-minute request budgets: lockout, password-reset and mail
 * budgets keep the product's defaults, and a test about a limit names the
 * value it tests in `env` (which wins over these).
 */
export const GENEROUS_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_PRINCIPAL_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  RATE_LIMIT_WRITE_PER_MINUTE: '100000',
  RATE_LIMIT_READ_PER_MINUTE: '1000000',
  RATE_LIMIT_ADMIN_PER_MINUTE: '100000',
};
