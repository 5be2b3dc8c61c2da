import { z } from 'zod';

import { Email, OneTimeToken } from './auth';
import { Cursor, IsoDate } from './common';
import { newPasswordSchema } from './password';

const AdminUserListFilter = z.strictObject({
  /** Case-insensitive substring of the email. */
  emailContains: z.string().trim().min(1).max(254).optional(),
  cursor: Cursor.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
/**
 * Every field is optional, so the input is too: `admin.users.list.query()`
 * (`prefault` parses `{}`, applying `limit`'s default).
 */
export const AdminUserListInput = AdminUserListFilter.prefault({});
export type AdminUserListInput = z.input<typeof AdminUserListFilter>;

/** A user as an administrator sees them: still never a hash or secret. */
export const AdminUser = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: z.enum(['user', 'admin']),
  emailVerified: z.boolean(),
  mfaEnabled: z.boolean(),
  lockedAt: IsoDate.nullable(),
  /**
   * Why the account is locked: an administrator's lock, a ban, a review after "this wasn't
   * me", or an erased account; null when it is not locked.
   */
  lockKind: z.enum(['admin', 'ban', 'review', 'erased']).nullable(),
  /** A ban's written reason (shown to administrators, never to the user). */
  lockReason: z.string().nullable(),
  /** When a ban ends by itself; null for a lock without an end. */
  lockExpiresAt: IsoDate.nullable(),
  /** The administrator who locked or banned the account (null for the system's locks). */
  lockedBy: z.uuid().nullable(),
  createdAt: IsoDate,
});
export type AdminUser = z.infer<typeof AdminUser>;

export const AdminUserPage = z.strictObject({
  users: z.array(AdminUser),
  nextCursor: Cursor.nullable(),
});

export const UserRef = z.strictObject({ id: z.uuid() });
export const SetRoleInput = z.strictObject({ id: z.uuid(), role: z.enum(['user', 'admin']) });

/**
 * An account an administrator creates: the owner sets their own password through the mailed
 * invitation (`auth.acceptInvite`); no password is ever given or shown here.
 */
export const CreateUserInput = z.strictObject({
  email: Email,
  name: z.string().trim().min(1).max(100).optional(),
  role: z.enum(['user', 'admin']).default('user'),
});
export type CreateUserInput = z.input<typeof CreateUserInput>;

/** A ban: a written reason (1–500 characters) and, optionally, when it ends (in the future). */
export const BanUserInput = z.strictObject({
  id: z.uuid(),
  reason: z.string().trim().min(1).max(500),
  expiresAt: IsoDate.optional(),
});
export type BanUserInput = z.infer<typeof BanUserInput>;

/** One API key of one user, as an administrator names it. */
export const UserApiKeyRef = z.strictObject({
  userId: z.uuid(),
  keyId: z.string().regex(/^[a-z2-7]{16}$/),
});

/**
 * The invited owner's first password, with the token from the invitation mail; `minLength`
 * follows the server's PASSWORD_MIN_LENGTH.
 */
export function acceptInviteInputSchema(
  minLength?: number,
): z.ZodObject<{ token: typeof OneTimeToken; password: z.ZodString }, z.core.$strict> {
  return z.strictObject({ token: OneTimeToken, password: newPasswordSchema(minLength) });
}
export const AcceptInviteInput = acceptInviteInputSchema();
export type AcceptInviteInput = z.infer<typeof AcceptInviteInput>;

const AuditListFilter = z.strictObject({
  actorId: z.string().min(1).max(100).optional(),
  action: z.string().min(1).max(100).optional(),
  targetType: z.string().min(1).max(50).optional(),
  targetId: z.string().min(1).max(100).optional(),
  orgId: z.string().min(1).max(100).optional(),
  /** Rows written while an administrator impersonated this user. */
  onBehalfOf: z.uuid().optional(),
  /** true: only rows written during an impersonation; false: only the others. */
  impersonation: z.boolean().optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
  cursor: Cursor.optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
/** Every field is optional, so the input is too: `admin.audit.list.query()`. */
export const AuditListInput = AuditListFilter.prefault({});
export type AuditListInput = z.input<typeof AuditListFilter>;

export const AuditEvent = z.strictObject({
  id: z.string(),
  occurredAt: IsoDate,
  actorType: z.enum(['user', 'api_key', 'system', 'anonymous']),
  actorId: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  orgId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  outcome: z.enum(['success', 'failure', 'denied']),
  details: z.record(z.string(), z.unknown()),
  /** The impersonated user when `actorId` (an administrator) acted as them; else null. */
  onBehalfOf: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditPage = z.strictObject({
  events: z.array(AuditEvent),
  nextCursor: Cursor.nullable(),
});

/** `admin.users.delete`: erase now (`immediately`), or after the grace period like self-service. */
export const DeleteUserInput = z.strictObject({
  id: z.uuid(),
  immediately: z.boolean().default(false),
});
export type DeleteUserInput = z.infer<typeof DeleteUserInput>;

export const UserDeleted = z.strictObject({
  /** `erased`: done now; `scheduled`: erased at `deletionDueAt` unless the user signs in. */
  status: z.enum(['erased', 'scheduled']),
  deletionDueAt: IsoDate.nullable(),
});
export type UserDeleted = z.infer<typeof UserDeleted>;

/**
 * `admin.impersonation.start`: whom, why (10–500 characters, recorded and mailed to the user),
 * for how long (1–60 minutes, default 15) and whether mutations are granted (default false:
 * read-only). Step-up procedures and secrets stay out of reach even with `allowWrites`.
 */
export const StartImpersonationInput = z.strictObject({
  userId: z.uuid(),
  reason: z.string().trim().min(10).max(500),
  minutes: z.number().int().min(1).max(60).default(15),
  allowWrites: z.boolean().default(false),
});
export type StartImpersonationInput = z.input<typeof StartImpersonationInput>;

/** One impersonation: the session the administrator holds as the user (never its secret). */
export const Impersonation = z.strictObject({
  sessionId: z.string(),
  userId: z.uuid(),
  adminId: z.uuid(),
  reason: z.string(),
  allowWrites: z.boolean(),
  startedAt: IsoDate,
  /** The time limit: the session ends then, whatever the idle and absolute settings say. */
  expiresAt: IsoDate,
});
export type Impersonation = z.infer<typeof Impersonation>;

export const ImpersonationList = z.strictObject({ impersonations: z.array(Impersonation) });
