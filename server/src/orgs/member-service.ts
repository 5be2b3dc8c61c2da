import type { Invitation, Member, Ok, OrgRole } from '@gatehouse/shared';
import { publicBaseUrl } from '../auth/base-url';
import { consumeOneTimeToken, createOneTimeToken } from '../auth/one-time-tokens';
import { enqueueMail } from '../mail/enqueue-mail';
import { AppError } from '../pipeline/app-error';
import { enterTenantScope } from '../pipeline/tenant-scope';
import { invitationMail } from './invitation-mail';
import {
  deleteMembership,
  findMembership,
  insertMembership,
  isMemberByEmail,
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
import type { OrgCaller, OrgMemberCaller } from './org-context';
import { findOrg } from './org-queries';
import { toMember } from './to-org';

const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

const NO_SUCH_MEMBER = (): AppError => new AppError('NOT_FOUND', { message: 'No such member' });

/**
 * Locks the org's owner rows (every role change, removal, departure and
 * invitation serialises there, so two owners demoting each other cannot
 * both win), then re-reads the caller's own role: it may have changed while
 * this transaction waited, and the policy must judge the role as it is now.
 */
async function lockMemberChanges(
  ctx: OrgMemberCaller,
): Promise<{ actor: OrgRole; ownerCount: number }> {
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

export async function listOrgMembers(ctx: OrgMemberCaller): Promise<{ members: Member[] }> {
  return { members: (await listMembers(ctx.tenant.db, ctx.tenant.orgId)).map(toMember) };
}

/**
 * Invites an email at a role no higher than the inviter's; the token (256
 * bits, stored hashed) travels by mail.
 */
export async function inviteMember(
  ctx: OrgMemberCaller<'config' | 'keyRing' | 'mailCap' | 'outbox'>,
  input: { email: string; role: OrgRole },
): Promise<Invitation> {
  const { db, orgId } = ctx.tenant;
  const { actor } = await lockMemberChanges(ctx);
  enforce(invitationRefusal(actor, input.role), {
    ROLE_TOO_HIGH: `You cannot grant a role above your own (${actor})`,
  });
  if (await isMemberByEmail(db, orgId, input.email))
    throw new AppError('ALREADY_MEMBER', { message: 'That person is already a member' });
  const token = await createOneTimeToken(db, 'org_invitation', null, INVITATION_TTL_MS, {
    orgId,
    email: input.email,
    role: input.role,
    invitedBy: ctx.principal.userId,
  });
  const org = await findOrg(db, orgId);
  if (!org) throw new AppError('NOT_FOUND', { message: 'No such organization' });
  const mail = invitationMail({
    to: input.email,
    orgName: org.name,
    inviterEmail: ctx.principal.email,
    role: input.role,
    acceptUrl: `${publicBaseUrl(ctx.deps.config)}/accept-invitation?token=${token}`,
  });
  // The inviter is the sender: over the recipient's cap they are told
  // (RECIPIENT_RATE_LIMITED) and nothing is kept.
  await enqueueMail(db, ctx.deps, 'org_invitation', mail, { whenCapped: 'refuse' });
  await ctx.audit.record(db, 'org.member.invite', {
    target: { type: 'email', id: input.email },
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
 * another address rolls that transaction back, so it stays usable by its owner.
 */
export async function acceptInvitation(
  ctx: OrgCaller,
  token: string,
): Promise<{ orgId: string; role: OrgRole }> {
  const { deps, principal } = ctx;
  const joined = await deps.db.transaction().execute(async (trx) => {
    const used = await consumeOneTimeToken(trx, 'org_invitation', token);
    if (!used.ok || used.data['email'] !== principal.email)
      throw new AppError('TOKEN_INVALID', {
        message: 'This invitation is invalid, expired, used, or for another email address',
      });
    const { orgId, role } = used.data as { orgId: string; role: OrgRole };
    await enterTenantScope(trx, principal.userId, [orgId]);
    const inserted = await insertMembership(trx, orgId, principal.userId, role);
    if (!inserted) throw new AppError('ALREADY_MEMBER', { message: 'You are already a member' });
    await ctx.audit.inOrg(orgId).record(trx, 'org.member.join', {
      target: { type: 'user', id: principal.userId },
      details: { role },
    });
    return { orgId, role };
  });
  await deps.membershipsChanged({ userIds: [principal.userId] });
  return joined;
}

/**
 * Changes a member's role. Nobody grants above their own role or manages
 * someone above it; the owners' rows are locked so the last owner can never
 * be demoted, even by two owners acting at once.
 */
export async function setMemberRole(
  ctx: OrgMemberCaller,
  input: { userId: string; role: OrgRole },
): Promise<Member> {
  const { db, orgId } = ctx.tenant;
  const { actor, ownerCount } = await lockMemberChanges(ctx);
  const target = await findMembership(db, orgId, input.userId);
  if (!target) throw NO_SUCH_MEMBER();
  enforce(roleChangeRefusal(actor, target.role, input.role, ownerCount), {
    ROLE_TOO_HIGH: `You cannot manage or grant roles above your own (${actor})`,
    LAST_OWNER: 'The last owner cannot be demoted',
  });
  await updateMembershipRole(db, orgId, input.userId, input.role);
  ctx.tenant.afterCommit(() => ctx.deps.membershipsChanged({ userIds: [input.userId] }));
  const change = { from: target.role, to: input.role };
  await ctx.audit.record(db, 'org.member.set_role', {
    target: { type: 'user', id: input.userId },
    details: change,
  });
  ctx.audit.security('privilege.changed', {
    scope: 'org',
    orgId,
    targetUserId: input.userId,
    ...change,
  });
  const member = (await listMembers(db, orgId)).find((m) => m.user_id === input.userId);
  if (!member) throw NO_SUCH_MEMBER();
  return toMember(member);
}

export async function removeMember(ctx: OrgMemberCaller, userId: string): Promise<Ok> {
  const { db, orgId } = ctx.tenant;
  const { actor, ownerCount } = await lockMemberChanges(ctx);
  const target = await findMembership(db, orgId, userId);
  if (!target) throw NO_SUCH_MEMBER();
  enforce(removalRefusal(actor, target.role, ownerCount), {
    ROLE_TOO_HIGH: `You cannot remove someone above your own role (${actor})`,
    LAST_OWNER: 'The last owner cannot be removed',
  });
  await deleteMembership(db, orgId, userId);
  ctx.tenant.afterCommit(() => ctx.deps.membershipsChanged({ userIds: [userId] }));
  await ctx.audit.record(db, 'org.member.remove', {
    target: { type: 'user', id: userId },
    details: { role: target.role },
  });
  return { ok: true };
}

export async function leaveOrg(ctx: OrgMemberCaller): Promise<Ok> {
  const { db, orgId } = ctx.tenant;
  const { actor, ownerCount } = await lockMemberChanges(ctx);
  enforce(departureRefusal(actor, ownerCount), {
    LAST_OWNER: 'The last owner cannot leave; transfer ownership first',
  });
  await deleteMembership(db, orgId, ctx.principal.userId);
  const leaver = ctx.principal.userId;
  ctx.tenant.afterCommit(() => ctx.deps.membershipsChanged({ userIds: [leaver] }));
  await ctx.audit.record(db, 'org.member.leave', {
    target: { type: 'user', id: ctx.principal.userId },
  });
  return { ok: true };
}
