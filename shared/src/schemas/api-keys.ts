import { z } from 'zod';
import { IsoDate } from './common';
import { PERMISSIONS } from '../permissions';

export const Scope = z.enum(PERMISSIONS);

export const CreateApiKeyInput = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** A subset of your own permissions (never more). */
  scopes: z.array(Scope).min(1).max(PERMISSIONS.length),
  /** Required; at most API_KEY_MAX_DAYS ahead (default 365). */
  expiresAt: IsoDate,
  /** Bind the key to one organization. */
  orgId: z.uuid().optional(),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

export const ApiKeyInfo = z.strictObject({
  id: z.string(),
  name: z.string(),
  scopes: z.array(Scope),
  orgId: z.uuid().nullable(),
  expiresAt: IsoDate,
  createdAt: IsoDate,
  lastUsedAt: IsoDate.nullable(),
  revokedAt: IsoDate.nullable(),
  /** After a rotation: until when the previous secret still works. */
  rotationGraceUntil: IsoDate.nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** The full key is shown exactly once, in this answer. */
export const CreatedApiKey = z.strictObject({ key: z.string(), apiKey: ApiKeyInfo });
export const ApiKeyList = z.strictObject({ apiKeys: z.array(ApiKeyInfo) });
export const ApiKeyRef = z.strictObject({ id: z.string().regex(/^[a-z2-7]{16}$/) });
export const RotateApiKeyInput = z.strictObject({
  id: z.string().regex(/^[a-z2-7]{16}$/),
  /** How long the old secret keeps working: 0 to 7 days. */
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600),
});
