import type { Invitation, Member, Ok, OrgRole } from '@gatehouse/shared';
import { publicBaseUrl } from '../auth/base-url';
import { createOneTimeToken } from '../auth/one-time-tokens';
import { sha256 } from '../crypto/random-token';
import { enqueueMail } from '../mail/enqueue-mail';
import { securityEvent } from '../observability/security-events';
import { AppError } from '../pipeline/app-error';
import { actorOf } from '../pipeline/audit-sink';
import type { Context } from '../pipeline/context';
import type { Principal } from '../pipeline/principal';
import { enterTenantScope, type Tenant } from '../pipeline/tenant-scope';
import { sql } from 'kysely';
import {
  deleteMembership,
  findMembership,
  insertMembership,
  listMembers,
  lockOwners,
  updateMembershipRole,
} from './membership-queries';
import {
  departureRefusal,
  invitationRefusal,
  removalRefusal,
  roleChangeRefusal,
  type MemberChangeRefusal,
} from './member-policy';
import { toMember } from './to-org';

type Authed = Context & { principal: Principal };
type InOrg = Authed & { tenant: Tenant };

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/**
 * Locks the org's owner rows (every role change, removal, departure and
 * invitation serialises there, so two owners demoting each other cannot
 * both win), then re-reads the caller's own role: it may have changed while
 * this transaction waited, and the policy must judge the role as it is now.
 */
async function lockMemberChanges(ctx: InOrg): Promise<{ actor: OrgRole; ownerCount: number }> {
  const { db, orgId } = ctx.tenant;
  const owners = await lockOwners(db, orgId);
  const me = await findMembership(db, orgId, ctx.principal.userId);
  if (!me) throw new AppError('NOT_FOUND', { message: 'No such organization' });
  return { actor: me.role, ownerCount: owners.length };
}

/** Turns a policy refusal into the error the caller sees. */
function enforce(
  refusal: MemberChangeRefusal,
  messages: { ROLE_TOO_HIGH?: string; LAST_OWNER?: string },
): void {
  if (refusal === null) return;
  const message = refusal === 'FORBIDDEN' ? undefined : messages[refusal];
  throw new AppError(refusal, message !== undefined ? { message } : {});
}

export async function listOrgMembers(ctx: InOrg): Promise<{ members: Member[] }> {
  return { members: (await listMembers(ctx.tenant.db, ctx.tenant.orgId)).map(toMember) };
}

/** Invites an email at a role no higher than the inviter's; the token (256 bits, stored hashed) travels by mail. */
export async function inviteMember(
  ctx: InOrg,
  input: { email: string; role: OrgRole },
): Promise<Invitation> {
  const { db, orgId } = ctx.tenant;
  const { actor } = await lockMemberChanges(ctx);
  enforce(invitationRefusal(actor, input.role), {
    ROLE_TOO_HIGH: `You cannot grant a role above your own (${actor})`,
  });
  const existing = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.org_id', '=', orgId)
    .where('u.email', '=', input.email)
    .executeTakeFirst();
  if (existing)
    throw new AppError('ALREADY_MEMBER', { message: 'That person is already a member' });
  const token = await createOneTimeToken(db, 'org_invitation', null, INVITATION_TTL_MS, {
    orgId,
    email: input.email,
    role: input.role,
    invitedBy: ctx.principal.userId,
  });
  const org = await db
    .selectFrom('orgs')
    .select('name')
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  // The inviter is the sender: over the recipient's cap they are told (RECIPIENT_RATE_LIMITED) and nothing is kept.
  await enqueueMail(
    db,
    ctx.deps,
    'org_invitation',
    {
      to: input.email,
      subject: `You are invited to ${org.name} on Gatehouse`,
      text: `${ctx.principal.email} invited you to join "${org.name}" as ${input.role}. Accept within 7 days:\n\n${publicBaseUrl(ctx.deps.config)}/accept-invitation?token=${token}\n\nSign in (or sign up) with this email address first.`,
    },
    { whenCapped: 'refuse' },
  );
  await ctx.deps.audit.append(db, {
    action: 'org.member.invite',
    actor: actorOf(ctx.principal),
    target: { type: 'email', id: input.email },
    orgId,
    outcome: 'success',
    ip: ctx.ip,
    requestId: ctx.requestId,
    details: { role: input.role },
  });
  ctx.deps.outbox.kick();
  return {
    email: input.email,
    role: input.role,
    expiresAt: new Date(Date.now() + INVITATION_TTL_MS).toISOString(),
  };
}

/**
 * Accepts an invitation for the caller's own email. The token is used up in
 * the same transaction that adds the membership (one winner); a token for
 * another address is refused and stays usable by its owner.
 */
export async function acceptInvitation(
  ctx: Authed,
  token: string,
): Promise<{ orgId: string; role: OrgRole }> {
  const { deps, principal } = ctx;
  const accepted = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('one_time_tokens')
      .set({ consumed_at: sql`now()` })
      .where('token_hash', '=', sha256(token))
      .where('purpose', '=', 'org_invitation')
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .where(sql<boolean>`data->>'email' = ${principal.email}`)
      .returning('data')
      .executeTakeFirst();
    if (!row)
      throw new AppError('TOKEN_INVALID', {
        message: 'This invitation is invalid, expired, used, or for another email address',
      });
    const { orgId, role } = row.data as { orgId: string; role: OrgRole };
    await enterTenantScope(trx, principal.userId, [orgId]);
    const inserted = await insertMembership(trx, orgId, principal.userId, role);
    if (!inserted) throw new AppError('ALREADY_MEMBER', { message: 'You are already a member' });
    await deps.audit.append(trx, {
      action: 'org.member.join',
      actor: actorOf(principal),
      target: { type: 'user', id: principal.userId },
      orgId,
      outcome: 'success',
      ip: ctx.ip,
      requestId: ctx.requestId,
      details: { role },
    });
    return { orgId, role };
  });
  return accepted;
}

/**
 * Changes a member's role. Nobody grants above their own role or manages
 * someone above it; the owners' rows are locked so the last owner can never
 * be demoted, even by two owners acting at once.
 */
export async function setMemberRole(
  ctx: InOrg,
  input: { userId: string; role: OrgRole },
): Promise<Member> {
  const { db, orgId } = ctx.tenant;
  const { actor, ownerCount } = await lockMemberChanges(ctx);
  const target = await findMembership(db, orgId, input.userId);
  if (!target) throw new AppError('NOT_FOUND', { message: 'No such member' });
  enforce(roleChangeRefusal(actor, target.role, input.role, ownerCount), {
    ROLE_TOO_HIGH: `You cannot manage or grant roles above your own (${actor})`,
    LAST_OWNER: 'The last owner cannot be demoted',
  });
  await updateMembershipRole(db, orgId, input.userId, input.role);
  await ctx.deps.audit.append(db, {
    action: 'org.member.set_role',
    actor: actorOf(ctx.principal),
    target: { type: 'user', id: input.userId },
    orgId,
    outcome: 'success',
    ip: ctx.ip,
    requestId: ctx.requestId,
    details: { from: target.role, to: input.role },
  });
  securityEvent(ctx.log, {
    type: 'privilege.changed',
    requestId: ctx.requestId,
    ip: ctx.ip,
    principal: ctx.principal,
    details: { scope: 'org', orgId, targetUserId: input.userId, from: target.role, to: input.role },
  });
  const member = (await listMembers(db, orgId)).find((m) => m.user_id === input.userId);
  if (!member) throw new AppError('NOT_FOUND', { message: 'No such member' });
  return toMember(member);
}

export async function removeMember(ctx: InOrg, userId: string): Promise<Ok> {
  const { db, orgId } = ctx.tenant;
  const { actor, ownerCount } = await lockMemberChanges(ctx);
  const target = await findMembership(db, orgId, userId);
  if (!target) throw new AppError('NOT_FOUND', { message: 'No such member' });
  enforce(removalRefusal(actor, target.role, ownerCount), {
    ROLE_TOO_HIGH: `You cannot remove someone above your own role (${actor})`,
    LAST_OWNER: 'The last owner cannot be removed',
  });
  await deleteMembership(db, orgId, userId);
  await ctx.deps.audit.append(db, {
    action: 'org.member.remove',
    actor: actorOf(ctx.principal),
    target: { type: 'user', id: userId },
    orgId,
    outcome: 'success',
    ip: ctx.ip,
    requestId: ctx.requestId,
    details: { role: target.role },
  });
  return { ok: true };
}

export async function leaveOrg(ctx: InOrg): Promise<Ok> {
  const { db, orgId } = ctx.tenant;
  const { actor, ownerCount } = await lockMemberChanges(ctx);
  enforce(departureRefusal(actor, ownerCount), {
    LAST_OWNER: 'The last owner cannot leave; transfer ownership first',
  });
  await deleteMembership(db, orgId, ctx.principal.userId);
  await ctx.deps.audit.append(db, {
    action: 'org.member.leave',
    actor: actorOf(ctx.principal),
    target: { type: 'user', id: ctx.principal.userId },
    orgId,
    outcome: 'success',
    ip: ctx.ip,
    requestId: ctx.requestId,
  });
  return { ok: true };
}
