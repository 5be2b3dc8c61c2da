import type { Logger } from 'pino';
import type { DatabaseDeps, MailDeps as AppMailDeps } from '../app-deps';
import type { Config } from '../config';
import type { PayloadCipher } from '../mail/mail-message';
import type { Metrics } from '../observability/metrics';
import { systemResolver, type HostResolver } from '../webhooks/host-resolver';
import { createWebhookClient } from '../webhooks/webhook-client';
import { createWebhookWorker, type WebhookWorker } from '../webhooks/webhook-worker';
import type { Slice } from './slice';

/**
 * The webhook delivery worker: polls the outbox (WEBHOOK_POLL_MS) and
 * delivers through the SSRF-checked client until close. Built after the mail
 * slice, so it stops before the mail outbox does.
 */
export function webhooksSlice(options: {
  readonly config: Config;
  readonly log: Logger;
  readonly db: DatabaseDeps['db'];
  readonly keyRing: PayloadCipher;
  readonly mail: AppMailDeps;
  readonly metrics: Metrics;
  /** Resolve hosts with this instead of the system resolver (tests: a stub). */
  readonly resolve: HostResolver | undefined;
}): Slice<{ readonly webhooks: WebhookWorker }> {
  const settings = options.config.webhooks;
  const webhooks = createWebhookWorker({
    db: options.db,
    cipher: options.keyRing,
    client: createWebhookClient({
      rules: { requireHttps: settings.requireHttps, allowHosts: settings.allowHosts },
      limits: {
        connectTimeoutMs: settings.connectTimeoutMs,
        headersTimeoutMs: settings.headersTimeoutMs,
        totalTimeoutMs: settings.totalTimeoutMs,
        maxResponseBytes: 4096,
      },
      resolve: options.resolve ?? systemResolver,
    }),
    settings,
    mail: { keyRing: options.keyRing, mailCap: options.mail.mailCap },
    kickMail: () => options.mail.outbox.kick(),
    log: options.log,
    onAttempt: (result) => options.metrics.webhookAttempt(result),
  });
  webhooks.start();
  return { deps: { webhooks }, close: () => webhooks.stop() };
}
