import type { Logger } from 'pino';
import type { DatabaseDeps, MailDeps, RedisDeps } from '../app-deps';
import { createAttemptLimiter } from '../auth/attempt-limiter';
import type { Config } from '../config';
import type { PayloadCipher } from '../mail/mail-message';
import {
  createLogTransport,
  createSmtpTransport,
  type MailTransport,
} from '../mail/mail-transport';
import { createOutboxSender } from '../mail/outbox-sender';
import type { Slice } from './slice';

/**
 * The mail outbox (SMTP_URL, else the log in development) and the
 * per-recipient cap; the sender runs until close.
 */
export function mailSlice(options: {
  readonly config: Config;
  readonly log: Logger;
  readonly db: DatabaseDeps['db'];
  readonly redis: RedisDeps['redis'];
  readonly keyRing: PayloadCipher;
  /** Deliver here instead of the configured transport (tests). */
  readonly transport: MailTransport | undefined;
}): Slice<MailDeps> {
  const { config, log } = options;
  const transport =
    options.transport ??
    (config.mail.smtpUrl
      ? createSmtpTransport(config.mail.smtpUrl, config.mail.from)
      : createLogTransport(log, { includeBody: config.env === 'development' }));
  const outbox = createOutboxSender({ db: options.db, cipher: options.keyRing, transport, log });
  // Under REDIS_KEY_PREFIX: deployments (and test runs) sharing one Redis keep
  // their mail budgets apart.
  const mailCap = createAttemptLimiter({
    prefix: `${config.redisKeyPrefix}:mail-recipient`,
    points: config.mail.perRecipientPerHour,
    windowSeconds: 3600,
    redis: options.redis,
  });
  outbox.start();
  return { deps: { outbox, mailCap }, close: () => outbox.stop() };
}
