import { z } from 'zod';
import { ApiKeyInfo } from './api-keys';
import { Email, OneTimeToken } from './auth';
import { IsoDate } from './common';

/** Self-service account procedures (`account.*`). */

/** What `account.updateProfile` may change: the allow-list. `null` clears the name. */
export const UpdateProfileInput = z.strictObject({
  name: z.string().trim().min(1).max(100).nullable(),
});
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

/** The caller's account as the settings page shows it. */
export const AccountProfile = z.strictObject({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  emailVerified: z.boolean(),
  /** Set while a deletion is pending: the account is erased then unless its owner signs in. */
  deletionDueAt: IsoDate.nullable(),
  createdAt: IsoDate,
});
export type AccountProfile = z.infer<typeof AccountProfile>;

export const ChangeEmailInput = z.strictObject({ newEmail: Email });
export type ChangeEmailInput = z.infer<typeof ChangeEmailInput>;

/** A token from an account mail (email change confirmation or "this wasn't me"). */
export const AccountTokenInput = z.strictObject({ token: OneTimeToken });
export type AccountTokenInput = z.infer<typeof AccountTokenInput>;

export const DeletionScheduled = z.strictObject({ deletionDueAt: IsoDate });
export type DeletionScheduled = z.infer<typeof DeletionScheduled>;

/** One export request: the document is produced off the request path and its link mailed. */
export const DataExportInfo = z.strictObject({
  id: z.uuid(),
  status: z.enum(['pending', 'ready', 'fetched', 'failed']),
  createdAt: IsoDate,
  readyAt: IsoDate.nullable(),
  /** Until when the mailed link works (once). */
  expiresAt: IsoDate.nullable(),
});
export type DataExportInfo = z.infer<typeof DataExportInfo>;
export const DataExportList = z.strictObject({ exports: z.array(DataExportInfo) });

/**
 * The export document (`GET /account-export/<token>`): everything Gatehouse holds about
 * the caller. docs/account-export.md carries its JSON Schema, generated from this one.
 */
export const AccountExport = z.strictObject({
  format: z.literal('gatehouse.account-export'),
  version: z.literal(1),
  exportedAt: IsoDate,
  profile: z.strictObject({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(['user', 'admin']),
    emailVerifiedAt: IsoDate.nullable(),
    mfaEnabledAt: IsoDate.nullable(),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  }),
  sessions: z.array(
    z.strictObject({
      id: z.string(),
      createdAt: IsoDate,
      lastUsedAt: IsoDate,
      expiresAt: IsoDate,
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
      authLevel: z.enum(['password', 'mfa']),
    }),
  ),
  apiKeys: z.array(ApiKeyInfo),
  /** Identities at identity providers linked to the account. */
  identities: z.array(
    z.strictObject({
      provider: z.string(),
      subject: z.string(),
      email: z.string().nullable(),
      linkedAt: IsoDate,
      lastUsedAt: IsoDate.nullable(),
    }),
  ),
  /** The account's passkeys: their metadata (never the public key or credential id). */
  passkeys: z.array(
    z.strictObject({
      name: z.string(),
      deviceType: z.enum(['singleDevice', 'multiDevice']),
      backedUp: z.boolean(),
      createdAt: IsoDate,
      lastUsedAt: IsoDate.nullable(),
    }),
  ),
  memberships: z.array(
    z.strictObject({
      orgId: z.uuid(),
      orgName: z.string(),
      role: z.string(),
      joinedAt: IsoDate,
    }),
  ),
  /**
   * The audit events the user is the actor, the target or the impersonated user of, newest first
   * (at most 10,000).
   */
  auditEvents: z.array(
    z.strictObject({
      id: z.string(),
      occurredAt: IsoDate,
      action: z.string(),
      actorType: z.string(),
      actorId: z.string().nullable(),
      targetType: z.string().nullable(),
      targetId: z.string().nullable(),
      orgId: z.string().nullable(),
      ip: z.string().nullable(),
      outcome: z.string(),
      /** Set when an administrator acted while impersonating the user (the actor). */
      onBehalfOf: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    }),
  ),
  auditEventsTruncated: z.boolean(),
});
export type AccountExport = z.infer<typeof AccountExport>;
