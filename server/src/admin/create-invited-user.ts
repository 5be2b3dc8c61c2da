import type { AdminUser } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { publicBaseUrl } from '../auth/base-url';
import { createOneTimeToken } from '../auth/one-time-tokens';
import { insertUser } from '../auth/user-queries';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { Principal } from '../pipeline/principal';
import { adminMails, INVITE_TTL_MS } from './admin-mails';
import { getUser } from './admin-user-queries';
import { NO_PASSWORD_HASH } from './no-password-hash';
import { toAdminUser } from './to-admin-user';

/** An administrator creating an account. */
export interface UserCreator {
  readonly deps: Pick<AppDeps, 'db' | 'config' | 'keyRing' | 'mailCap' | 'outbox'>;
  readonly principal: Principal;
  readonly audit: RequestAudit;
}

/**
 * Creates an account that has no usable password (no-password-hash.ts) and
 * mails its owner an invitation: a one-time link (7 days, only its SHA-256
 * stored) to `auth.acceptInvite`, where they choose their password. The
 * administrator never sees or sets one. In one transaction: the account, the
 * token, the mail (RECIPIENT_RATE_LIMITED past the per-recipient cap, which
 * rolls everything back) and `admin.user.create`. An email with an account
 * answers CONFLICT and writes nothing.
 */
export async function createInvitedUser(
  ctx: UserCreator,
  input: { email: string; name?: string | undefined; role: 'user' | 'admin' },
): Promise<AdminUser> {
  const { deps } = ctx;
  const row = await deps.db.transaction().execute(async (trx) => {
    const user = await insertUser(trx, {
      email: input.email,
      name: input.name ?? null,
      passwordHash: NO_PASSWORD_HASH,
      role: input.role,
    });
    if (!user) throw new AppError('CONFLICT', { message: 'An account with this email exists' });
    const token = await createOneTimeToken(trx, 'account_invite', user.id, INVITE_TTL_MS);
    await enqueueMail(
      trx,
      deps,
      'account_invite',
      adminMails.invitation(user.email, publicBaseUrl(deps.config), token),
      { whenCapped: 'refuse' },
    );
    await ctx.audit.record(trx, 'admin.user.create', {
      target: { type: 'user', id: user.id },
      details: { role: input.role, invited: true },
    });
    return getUser(trx, user.id);
  });
  if (!row) throw new AppError('INTERNAL');
  deps.outbox.kick();
  if (input.role === 'admin')
    ctx.audit.security('privilege.changed', {
      scope: 'global',
      targetUserId: row.id,
      role: 'admin',
    });
  return toAdminUser(row);
}
