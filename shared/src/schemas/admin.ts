import { z } from 'zod';

import { Cursor, IsoDate } from './common';

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
  createdAt: IsoDate,
});
export type AdminUser = z.infer<typeof AdminUser>;

export const AdminUserPage = z.strictObject({
  users: z.array(AdminUser),
  nextCursor: Cursor.nullable(),
});

export const UserRef = z.strictObject({ id: z.uuid() });
export const SetRoleInput = z.strictObject({ id: z.uuid(), role: z.enum(['user', 'admin']) });

const AuditListFilter = z.strictObject({
  actorId: z.string().min(1).max(100).optional(),
  action: z.string().min(1).max(100).optional(),
  targetType: z.string().min(1).max(50).optional(),
  targetId: z.string().min(1).max(100).optional(),
  orgId: z.string().min(1).max(100).optional(),
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
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditPage = z.strictObject({
  events: z.array(AuditEvent),
  nextCursor: Cursor.nullable(),
});
