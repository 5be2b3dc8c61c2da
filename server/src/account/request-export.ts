import { AccountExport, type DataExportInfo } from '@gatehouse/shared';
import { sha256 } from '../crypto/random-token';
import { AppError } from '../pipeline/app-error';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import type { AccountJobs } from './account-jobs';
import { exportAad } from './export-aad';
import {
  insertExport,
  listExports,
  recentExport,
  takeDocument,
  type ExportRow,
} from './export-queries';

/** One export per user per this window (a failed one does not count). */
export const EXPORT_WINDOW_MS = 60 * 60_000;

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

function toInfo(row: ExportRow): DataExportInfo {
  return {
    id: row.id,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    readyAt: iso(row.ready_at),
    expiresAt: iso(row.expires_at),
  };
}

/**
 * Asks for an export of everything Gatehouse holds about the caller (step-up: the document is
 * a copy of the account). It is built off the request path and its one-time link mailed to
 * the account's address; one request per hour (RATE_LIMITED with Retry-After).
 */
export async function requestExport(
  ctx: Context & { principal: Principal },
  jobs: AccountJobs,
): Promise<DataExportInfo> {
  const { deps, principal } = ctx;
  const row = await deps.db.transaction().execute(async (trx) => {
    // One request at a time per user: concurrent requests serialise on the user row.
    await trx
      .selectFrom('users')
      .select('id')
      .where('id', '=', principal.userId)
      .forUpdate()
      .execute();
    const recent = await recentExport(trx, principal.userId, EXPORT_WINDOW_MS);
    if (recent) {
      const waitMs = new Date(recent.created_at).getTime() + EXPORT_WINDOW_MS - Date.now();
      throw new AppError('RATE_LIMITED', {
        message: 'One export per hour; the last one was asked for recently',
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
      });
    }
    const created = await insertExport(trx, principal.userId);
    await ctx.audit.record(trx, 'account.export', {
      target: { type: 'data_export', id: created.id },
    });
    return created;
  });
  jobs.kick();
  return toInfo(row);
}

export async function listMyExports(
  ctx: Context & { principal: Principal },
): Promise<{ exports: DataExportInfo[] }> {
  return { exports: (await listExports(ctx.deps.db, ctx.principal.userId)).map(toInfo) };
}

/**
 * The document, once, by the token from the mailed link (an hour). The token is the
 * credential (whoever holds the mail), as for a reset link; the answer is never stored by the
 * idempotency layer (public procedures have none) and the sealed copy is cleared as it is
 * taken.
 */
export async function downloadExport(
  ctx: Context,
  input: { token: string },
): Promise<AccountExport> {
  const { deps } = ctx;
  const taken = await deps.db.transaction().execute(async (trx) => {
    const row = await takeDocument(trx, sha256(input.token));
    // Only a download is recorded: refused tokens are the rate limit's business, not rows.
    if (row) {
      const owner = { type: 'user', id: row.user_id } as const;
      await ctx.audit.record(trx, 'account.fetch_export', {
        actor: owner,
        target: { type: 'data_export', id: row.id },
      });
    }
    return row;
  });
  if (!taken) throw new AppError('TOKEN_INVALID', { message: 'This export link is not valid' });
  return AccountExport.parse(JSON.parse(deps.keyRing.decrypt(taken.document, exportAad(taken.id))));
}
