import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { mailAad } from './enqueue-mail';
import type { PayloadCipher } from './mail-message';
import type { MailTransport } from './mail-transport';

export interface OutboxSender {
  /** Delivers what is due now; returns how many were sent. */
  flush(): Promise<number>;
  /** Asks for a flush soon (after a transaction that enqueued mail commits). */
  kick(): void;
  start(): void;
  stop(): Promise<void>;
}

const BATCH = 20;
const MAX_ATTEMPTS = 8;

/**
 * Sends outbox rows through the transport. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED` so several instances never send one mail twice;
 * failures back off exponentially; a sent row keeps no body.
 */
export function createOutboxSender(options: {
  db: Kysely<Database>;
  cipher: PayloadCipher;
  transport: MailTransport;
  log: Logger;
  intervalMs?: number;
}): OutboxSender {
  const { db, cipher, transport, log } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let stopped = false;

  const flushOnce = async (): Promise<number> => {
    let sent = 0;
    for (;;) {
      const batchSent = await db.transaction().execute(async (trx) => {
        const rows = await trx
          .selectFrom('mail_outbox')
          .select(['id', 'to_address', 'payload', 'attempts'])
          .where('sent_at', 'is', null)
          .where('next_attempt_at', '<=', sql<Date>`now()`)
          .where('attempts', '<', MAX_ATTEMPTS)
          .orderBy('next_attempt_at')
          .limit(BATCH)
          .forUpdate()
          .skipLocked()
          .execute();
        let n = 0;
        for (const row of rows) {
          try {
            const { subject, text } = JSON.parse(cipher.decrypt(row.payload, mailAad(row.id))) as {
              subject: string;
              text: string;
            };
            await transport.send({ to: row.to_address, subject, text });
            await trx
              .updateTable('mail_outbox')
              .set({ sent_at: sql`now()`, payload: '', last_error: null })
              .where('id', '=', row.id)
              .execute();
            n++;
          } catch (err) {
            const attempts = row.attempts + 1;
            const delaySeconds = Math.min(3600, 2 ** attempts * 5);
            await trx
              .updateTable('mail_outbox')
              .set({
                attempts,
                last_error: (err as Error).message.slice(0, 500),
                next_attempt_at: sql`now() + make_interval(secs => ${delaySeconds})`,
              })
              .where('id', '=', row.id)
              .execute();
            log.warn(
              { mailId: row.id, attempts, err: { message: (err as Error).message } },
              'mail delivery failed',
            );
          }
        }
        return { n, full: rows.length === BATCH };
      });
      sent += batchSent.n;
      if (!batchSent.full) return sent;
    }
  };

  const flush = async (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await flushOnce();
      } while (again && !stopped);
      return total;
    })();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };

  const safeFlush = (): void => {
    flush().catch((err: unknown) =>
      log.warn({ err: { message: (err as Error).message } }, 'outbox flush failed'),
    );
  };

  return {
    flush,
    kick: () => {
      if (!stopped) setImmediate(safeFlush);
    },
    start: () => {
      timer = setInterval(safeFlush, options.intervalMs ?? 5_000);
      timer.unref();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
      transport.close();
    },
  };
}
