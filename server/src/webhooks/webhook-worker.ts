import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Database } from '../db/database';
import type { MailDeps } from '../mail/enqueue-mail';
import type { PayloadCipher } from '../mail/mail-message';
import { securityEvent } from '../observability/security-events';
import { notifyEndpointFailing } from './notify-endpoint-failing';
import { retryDelayMs } from './retry-schedule';
import type { AttemptOutcome, WebhookClient } from './webhook-client';
import {
  countInflightDeliveries,
  findClaimedDeliveries,
  leaseDeliveries,
  lockDueDeliveries,
  lockEndpointsForClaim,
  markDeliverySucceeded,
  markEndpointFailing,
  markEndpointHealthy,
  recordFailedAttempt,
  type ClaimedDeliveryRow,
} from './webhook-delivery-queries';
import { openWebhookSecrets } from './webhook-secret';
import { signWebhook } from './webhook-signature';

/** How one attempt ended, for the deliveries counter. */
export type AttemptResult = 'succeeded' | 'retrying' | 'given_up' | 'refused';

export interface WebhookWorker {
  /** Claims and delivers what is due now (once); returns how many attempts were made. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops polling and waits for the attempts under way. */
  stop(): Promise<void>;
}

const BATCH = 100;

interface Claimed extends ClaimedDeliveryRow {
  readonly lease_token: string;
}

/**
 * Delivers the webhook outbox, at least once, from any number of instances:
 * due rows are claimed with `FOR UPDATE SKIP LOCKED` and leased (a crashed
 * instance's lease runs out and another delivers), each endpoint's rows are
 * claimed under a lock on the endpoint so that at most
 * WEBHOOK_CONCURRENCY_PER_ENDPOINT are in flight across every instance.
 * Failures retry with exponential backoff and jitter until the event is
 * WEBHOOK_RETRY_FOR_SECONDS old; then the delivery is given up, the endpoint
 * marked failing and the org's admins mailed.
 */
export function createWebhookWorker(options: {
  readonly db: Kysely<Database>;
  readonly cipher: PayloadCipher;
  readonly client: WebhookClient;
  readonly settings: Config['webhooks'];
  readonly mail: MailDeps;
  /** Asks the mail outbox to send soon (after a failing notice commits). */
  readonly kickMail: () => void;
  readonly log: Logger;
  readonly onAttempt?: (result: AttemptResult) => void;
  readonly random?: () => number;
}): WebhookWorker {
  const { db, settings, log } = options;
  const random = options.random ?? Math.random;
  const leaseMs = settings.totalTimeoutMs + 30_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = false;

  const claim = (): Promise<Claimed[]> =>
    db.transaction().execute(async (trx) => {
      const due = await lockDueDeliveries(trx, BATCH);
      if (due.length === 0) return [];
      const endpointIds = [...new Set(due.map((d) => d.endpoint_id))];
      const locked = await lockEndpointsForClaim(trx, endpointIds);
      if (locked.length === 0) return [];
      const lockedIds = locked.map((e) => e.id);
      const inflight = await countInflightDeliveries(trx, lockedIds);
      const room = new Map(lockedIds.map((id) => [id, settings.concurrencyPerEndpoint]));
      for (const r of inflight)
        room.set(r.endpoint_id, (room.get(r.endpoint_id) ?? 0) - Number(r.n));
      const picked: string[] = [];
      for (const d of due) {
        const left = room.get(d.endpoint_id) ?? 0;
        if (left <= 0) continue;
        room.set(d.endpoint_id, left - 1);
        picked.push(d.id);
      }
      if (picked.length === 0) return [];
      const token = randomUUID();
      await leaseDeliveries(trx, picked, token, leaseMs);
      const rows = await findClaimedDeliveries(trx, picked);
      return rows.map((r) => ({ ...r, lease_token: token }));
    });

  const record = async (row: Claimed, outcome: AttemptOutcome): Promise<AttemptResult> => {
    const attempts = row.attempts + 1;
    const lastError = outcome.ok ? null : outcome.message.slice(0, 500);
    const lastStatus = outcome.ok ? outcome.status : (outcome.status ?? null);
    if (outcome.ok) {
      await db.transaction().execute(async (trx) => {
        await markDeliverySucceeded(trx, {
          id: row.id,
          leaseToken: row.lease_token,
          attempts,
          lastStatus,
        });
        if (row.endpoint_status === 'failing') await markEndpointHealthy(trx, row.endpoint_id);
      });
      return 'succeeded';
    }
    if (outcome.failure === 'refused') {
      securityEvent(log, {
        type: 'webhook.destination_refused',
        requestId: `webhook-delivery:${row.id}`,
        ip: outcome.address ?? '',
        details: {
          orgId: row.org_id,
          endpointId: row.endpoint_id,
          refusal: outcome.refusal,
          host: safeHost(row.url),
        },
      });
    }
    const delay = retryDelayMs(attempts, settings.retryBaseMs, random);
    const giveUp = Date.now() + delay > new Date(row.created_at).getTime() + settings.retryForMs;
    let mailed = false;
    await db.transaction().execute(async (trx) => {
      await recordFailedAttempt(trx, {
        id: row.id,
        leaseToken: row.lease_token,
        attempts,
        lastStatus,
        lastError,
        giveUp,
        delayMs: delay,
      });
      if (!giveUp) return;
      const flipped = await markEndpointFailing(trx, row.endpoint_id);
      // Mailed once, when the endpoint turns failing (not for every given-up event).
      if (flipped)
        mailed =
          (await notifyEndpointFailing(trx, options.mail, {
            id: row.endpoint_id,
            orgId: row.org_id,
            url: row.url,
          })) > 0;
    });
    if (mailed) options.kickMail();
    if (outcome.failure === 'refused') return giveUp ? 'given_up' : 'refused';
    return giveUp ? 'given_up' : 'retrying';
  };

  const attempt = async (row: Claimed): Promise<void> => {
    let outcome: AttemptOutcome;
    try {
      const now = new Date();
      const headers = signWebhook(
        row.event_id,
        Math.floor(now.getTime() / 1000),
        row.payload,
        openWebhookSecrets(options.cipher, { ...row, id: row.endpoint_id }, now),
      );
      outcome = await options.client.send(row.url, { ...headers }, Buffer.from(row.payload));
    } catch (err) {
      outcome = {
        ok: false,
        failure: 'connection_failed',
        message: (err as Error).message.slice(0, 200),
      };
    }
    const result = await record(row, outcome);
    options.onAttempt?.(result);
  };

  const runOnce = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const claimed = await claim();
      if (claimed.length === 0) return total;
      await Promise.all(claimed.map(attempt));
      total += claimed.length;
      // Claim again at once: an endpoint's next rows wait only for its own slots, not the poll.
      if (stopped) return total;
    }
  };

  const tick = (): void => {
    if (running || stopped) return;
    running = runOnce()
      .catch((err: unknown) => {
        log.warn({ err: { message: (err as Error).message } }, 'webhook delivery run failed');
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
  };

  return {
    runOnce,
    start: () => {
      timer = setInterval(tick, settings.pollMs);
      timer.unref();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
