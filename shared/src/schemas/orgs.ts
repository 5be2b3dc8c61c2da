import { z } from 'zod';
import { IsoDate } from './common';
import { Email, OneTimeToken } from './auth';

export const ORG_ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export const OrgRole = z.enum(ORG_ROLES);
export type OrgRole = z.infer<typeof OrgRole>;

const OrgName = z.string().trim().min(1).max(100);

export const OrgRef = z.strictObject({ orgId: z.uuid() });
export const CreateOrgInput = z.strictObject({ name: OrgName });
export const UpdateOrgInput = z.strictObject({
  orgId: z.uuid(),
  patch: z.strictObject({
    name: OrgName.optional(),
    requireMfa: z.boolean().optional(),
    /** Members must sign in through this identity provider (an id from auth.providers.list). */
    requireProvider: z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/)
      .nullable()
      .optional(),
    /** Members' addresses must be in this domain, e.g. `corp.example`. */
    memberEmailDomain: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/)
      .nullable()
      .optional(),
  }),
});

export const Org = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  requireMfa: z.boolean(),
  /** Members must sign in through this identity provider; null: any method. */
  requireProvider: z.string().nullable(),
  /** Members' addresses must be in this domain; null: any. */
  memberEmailDomain: z.string().nullable(),
  /** The caller's role in it. */
  role: OrgRole,
  createdAt: IsoDate,
});
export type Org = z.infer<typeof Org>;
export const OrgList = z.strictObject({ orgs: z.array(Org) });

export const Member = z.strictObject({
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: OrgRole,
  joinedAt: IsoDate,
});
export type Member = z.infer<typeof Member>;
export const MemberList = z.strictObject({ members: z.array(Member) });

export const InviteInput = z.strictObject({ orgId: z.uuid(), email: Email, role: OrgRole });
export const Invitation = z.strictObject({ email: z.string(), role: OrgRole, expiresAt: IsoDate });
export type Invitation = z.infer<typeof Invitation>;
export const AcceptInvitationInput = z.strictObject({ token: OneTimeToken });
/** The org an accepted invitation joined, and the role it gave. */
export const InvitationAccepted = z.strictObject({ orgId: z.uuid(), role: OrgRole });
export type InvitationAccepted = z.infer<typeof InvitationAccepted>;
export const MemberRef = z.strictObject({ orgId: z.uuid(), userId: z.uuid() });
export const SetMemberRoleInput = z.strictObject({
  orgId: z.uuid(),
  userId: z.uuid(),
  role: OrgRole,
});
