import {
  AcceptInvitationInput,
  CreateOrgInput,
  Invitation,
  InviteInput,
  Member,
  MemberList,
  MemberRef,
  NoInput,
  Ok,
  Org,
  OrgList,
  OrgRef,
  InvitationAccepted,
  SetMemberRoleInput,
  UpdateOrgInput,
} from '@gatehouse/shared';
import { orgProcedure } from '../pipeline/org-procedure';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import {
  acceptInvitation,
  inviteMember,
  leaveOrg,
  listOrgMembers,
  removeMember,
  setMemberRole,
} from './member-service';
import { createOrg, getOrg, listMyOrgs, updateOrg } from './org-service';

/** Organizations (tenants) and their members. */
export const orgsRouter = router({
  create: procedure
    .meta({
      permission: 'org:create',
      requireVerifiedEmail: true,
      summary: 'Create an organization; the caller becomes its owner',
    })
    .input(CreateOrgInput)
    .output(Org)
    .mutation(({ ctx, input }) => createOrg(ctx, input.name)),
  list: procedure
    .meta({ permission: 'org:read', summary: "The caller's organizations and role in each" })
    .input(NoInput)
    .output(OrgList)
    .query(({ ctx }) => listMyOrgs(ctx)),
  get: orgProcedure
    .meta({ permission: 'org:read', summary: 'One organization' })
    .input(OrgRef)
    .output(Org)
    .query(({ ctx }) => getOrg(ctx)),
  update: orgProcedure
    .meta({
      permission: 'org:manage',
      summary:
        'Rename, or set what members must sign in with: two-factor authentication, an ' +
        'identity provider, an email domain',
    })
    .input(UpdateOrgInput)
    .output(Org)
    .mutation(({ ctx, input }) => updateOrg(ctx, input.patch)),
  leave: orgProcedure
    .meta({ permission: 'org:read', summary: 'Leave an organization (never as its last owner)' })
    .input(OrgRef)
    .output(Ok)
    .mutation(({ ctx }) => leaveOrg(ctx)),
  members: router({
    list: orgProcedure
      .meta({ permission: 'member:read', summary: 'Members and their roles' })
      .input(OrgRef)
      .output(MemberList)
      .query(({ ctx }) => listOrgMembers(ctx)),
    invite: orgProcedure
      .meta({
        permission: 'member:manage',
        requireVerifiedEmail: true,
        summary: 'Invite an email at a role no higher than your own (mailed token, 7 days)',
      })
      .input(InviteInput)
      .output(Invitation)
      .mutation(({ ctx, input }) => inviteMember(ctx, input)),
    setRole: orgProcedure
      .meta({
        permission: 'member:manage',
        summary: "Change a member's role (never above your own; never the last owner)",
      })
      .input(SetMemberRoleInput)
      .output(Member)
      .mutation(({ ctx, input }) => setMemberRole(ctx, input)),
    remove: orgProcedure
      .meta({
        permission: 'member:manage',
        summary: 'Remove a member (never above your own role; never the last owner)',
      })
      .input(MemberRef)
      .output(Ok)
      .mutation(({ ctx, input }) => removeMember(ctx, input.userId)),
  }),
  invitations: router({
    accept: procedure
      .meta({
        permission: 'self:write',
        summary: 'Join an organization with an invitation token sent to your email',
      })
      .input(AcceptInvitationInput)
      .output(InvitationAccepted)
      .mutation(({ ctx, input }) => acceptInvitation(ctx, input.token)),
  }),
});
