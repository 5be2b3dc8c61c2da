import type { Impersonation } from '@gatehouse/shared';
import type { AppDeps } from '../app-deps';
import type { RequestAudit } from '../audit/request-audit';
import { publicBaseUrl } from '../auth/base-url';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import type { ResponseControl } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { insertImpersonationSession } from '../sessions/impersonation-session';
import { serializeSessionCookie } from '../sessions/session-cookie';
import { noSuchUser } from './access-changer';
import { adminMails } from './admin-mails';
import { lockParty, toImpersonation } from './impersonation-queries';

/** An administrator, in a step-up session, starting to impersonate a user. */
export interface ImpersonationStarter {
  readonly deps: Pick<AppDeps, 'db' | 'config' | 'keyRing' | 'mailCap' | 'outbox' | 'sessions'>;
  readonly principal: Principal;
  readonly audit: RequestAudit;
  readonly ip: string;
  readonly userAgent: string | undefined;
  readonly secure: boolean;
  readonly response: ResponseControl;
}

/** What `admin.impersonation.start` was given (defaults applied). */
export interface StartImpersonation {
  readonly userId: string;
  readonly reason: string;
  readonly minutes: number;
  readonly allowWrites: boolean;
}

/**
 * Starts an impersonation (the pipeline already required a step-up session: a key or token got
 * SESSION_REQUIRED, a stale proof REAUTH_REQUIRED). Refused for oneself and from an
 * impersonation (FORBIDDEN), for an administrator (FORBIDDEN: never against another admin),
 * for a locked, banned or erased account (CONFLICT), and when the user's mail budget is spent
 * (RECIPIENT_RATE_LIMITED: the user is always told). In one transaction: the session of the
 * user marked with the administrator, reason, time limit and write grant; the
 * `admin.user.impersonate` row (actor the administrator, on behalf of the user); the mail to the
 * user. Then the browser's session cookie is replaced by the impersonation's and the
 * administrator's own session is revoked (the cookie that held it is gone; no credential is
 * left orphaned): ending the impersonation signs the browser out.
 */
export async function startImpersonation(
  ctx: ImpersonationStarter,
  input: StartImpersonation,
): Promise<Impersonation> {
  const { deps, principal } = ctx;
  if (principal.impersonation !== undefined || principal.sessionId === undefined)
    throw new AppError('FORBIDDEN', { message: 'An impersonation cannot start another' });
  if (input.userId === principal.userId)
    throw new AppError('FORBIDDEN', { message: 'Administrators cannot impersonate themselves' });
  const now = new Date();
  const expiresAt = new Date(now.getTime() + input.minutes * 60_000);
  const started = await deps.db.transaction().execute(async (trx) => {
    const admin = await lockParty(trx, principal.userId);
    if (!admin || admin.role !== 'admin' || admin.locked_at !== null)
      throw new AppError('FORBIDDEN');
    const target = await lockParty(trx, input.userId);
    if (!target) throw noSuchUser();
    if (target.role === 'admin')
      throw new AppError('FORBIDDEN', { message: 'Administrators cannot be impersonated' });
    if (target.locked_at !== null)
      throw new AppError('CONFLICT', {
        message:
          target.lock_kind === 'erased'
            ? 'This account has been erased'
            : target.lock_kind === 'ban'
              ? 'This account is banned'
              : 'This account is locked',
      });
    const { token, session } = await insertImpersonationSession(trx, {
      userId: target.id,
      adminId: admin.id,
      reason: input.reason,
      allowWrites: input.allowWrites,
      now,
      expiresAt,
      ip: ctx.ip,
      userAgent: ctx.userAgent ?? null,
    });
    await ctx.audit.record(trx, 'admin.user.impersonate', {
      actor: { type: 'user', id: admin.id, onBehalfOf: target.id },
      target: { type: 'user', id: target.id },
      details: {
        sessionId: session.id,
        reason: input.reason,
        minutes: input.minutes,
        expiresAt: expiresAt.toISOString(),
        allowWrites: input.allowWrites,
      },
    });
    await enqueueMail(
      trx,
      deps,
      'admin_impersonation',
      adminMails.impersonation(target.email, publicBaseUrl(deps.config), {
        reason: input.reason,
        expiresAt,
        allowWrites: input.allowWrites,
      }),
      { whenCapped: 'refuse' },
    );
    return { token, session, adminId: admin.id };
  });
  deps.outbox.kick();
  await deps.sessions.revoke(principal.sessionId);
  ctx.response.appendCookie(
    serializeSessionCookie(started.token, {
      secure: ctx.secure,
      maxAgeSeconds: Math.ceil((expiresAt.getTime() - Date.now()) / 1000),
    }),
  );
  return toImpersonation({
    id: started.session.id,
    user_id: input.userId,
    impersonator_id: started.adminId,
    impersonation_reason: input.reason,
    impersonation_writes: input.allowWrites,
    created_at: started.session.createdAt,
    expires_at: expiresAt,
  });
}
