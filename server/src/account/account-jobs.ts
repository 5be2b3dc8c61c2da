import type { AppDeps } from '../app-deps';
import { publicBaseUrl } from '../auth/base-url';
import { generateToken, sha256 } from '../crypto/random-token';
import { enqueueMail } from '../mail/enqueue-mail';
import { accountMails } from './account-mails';
import { dueForErasure } from './account-queries';
import { buildExport } from './build-export';
import { announceEndedAccess } from './end-all-access';
import { eraseAccount } from './erase-account';
import { exportAad } from './export-aad';
import { claimPending, dropExpiredDocuments, markFailed, markReady } from './export-queries';

/** How long a mailed export link works (once). */
export const EXPORT_LINK_TTL_MS = 60 * 60_000;
/** A deletion the sweep cannot carry out (the account became an org's only owner) waits this. */
const ERASURE_RETRY_MS = 24 * 3_600_000;

export interface AccountJobs {
  /** Asks for a run soon (after a request that queued an export or a due deletion). */
  kick(): void;
  /** Builds pending exports and erases due accounts now; returns how many of each. */
  runOnce(): Promise<{ exports: number; erased: number }>;
  start(): void;
  stop(): Promise<void>;
}

type JobDeps = Pick<
  AppDeps,
  | 'db'
  | 'config'
  | 'log'
  | 'keyRing'
  | 'mailCap'
  | 'outbox'
  | 'audit'
  | 'sessions'
  | 'tokenRevocations'
  | 'apiKeysChanged'
  | 'membershipsChanged'
>;

/**
 * The account work that runs off the request path, on every instance (rows are claimed with
 * SKIP LOCKED, erasures lock the user row, so instances share the work): building requested
 * exports (sealed with the key ring, the link mailed to the owner) and erasing accounts whose
 * grace period is over. Runs every minute and when kicked.
 */
export function createAccountJobs(deps: JobDeps, intervalMs = 60_000): AccountJobs {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<{ exports: number; erased: number }> | undefined;
  let again = false;
  let stopped = false;

  const buildExports = async (): Promise<number> => {
    let built = 0;
    for (;;) {
      const done = await deps.db.transaction().execute(async (trx) => {
        const [job] = await claimPending(trx, 1);
        if (!job) return false;
        try {
          const doc = await buildExport(trx, job.user_id);
          const token = generateToken(32);
          const expiresAt = new Date(Date.now() + EXPORT_LINK_TTL_MS);
          await markReady(trx, job.id, {
            tokenHash: sha256(token),
            document: deps.keyRing.encrypt(JSON.stringify(doc), exportAad(job.id)),
            expiresAt,
          });
          const link = `${publicBaseUrl(deps.config)}/account-export?token=${token}`;
          await enqueueMail(
            trx,
            deps,
            'account_export',
            accountMails.exportReady(doc.profile.email, link, expiresAt),
          );
          built++;
        } catch (err) {
          deps.log.warn({ err: { message: (err as Error).message } }, 'building an export failed');
          await markFailed(trx, job.id);
        }
        return true;
      });
      if (!done) break;
    }
    if (built > 0) deps.outbox.kick();
    await dropExpiredDocuments(deps.db);
    return built;
  };

  const eraseDue = async (): Promise<number> => {
    let erased = 0;
    for (const { id } of await dueForErasure(deps.db, 20)) {
      const result = await deps.db.transaction().execute(async (trx) => {
        const r = await eraseAccount(trx, deps.audit, id, {
          actor: { type: 'system', id: null },
          cause: 'grace_period',
        });
        if (!r.erased && r.why !== 'no such account') {
          const retryAt = new Date(Date.now() + ERASURE_RETRY_MS);
          await trx
            .updateTable('users')
            .set({ deletion_due_at: retryAt })
            .where('id', '=', id)
            .where('erased_at', 'is', null)
            .execute();
          await deps.audit.append(trx, {
            action: 'account.erase',
            actor: { type: 'system', id: null },
            target: { type: 'user', id },
            outcome: 'failure',
            details: { cause: 'grace_period', why: r.why, retryAt: retryAt.toISOString() },
          });
        }
        return r;
      });
      if (result.erased) {
        erased++;
        await announceEndedAccess(deps, result.ended);
        await deps.membershipsChanged({ userIds: [id] });
      } else {
        deps.log.warn({ userId: id, why: result.why }, 'a due account erasure was postponed');
      }
    }
    return erased;
  };

  const runOnce = async (): Promise<{ exports: number; erased: number }> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      const total = { exports: 0, erased: 0 };
      do {
        again = false;
        total.exports += await buildExports();
        total.erased += await eraseDue();
      } while (again && !stopped);
      return total;
    })();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };

  const safeRun = (): void => {
    runOnce().catch((err: unknown) =>
      deps.log.warn({ err: { message: (err as Error).message } }, 'account jobs failed'),
    );
  };

  return {
    runOnce,
    kick: () => {
      if (!stopped) setImmediate(safeRun);
    },
    start: () => {
      timer = setInterval(safeRun, intervalMs);
      timer.unref();
    },
    stop: async () => {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
