import { AccountExport } from '@gatehouse/shared';
import type { Kysely, Transaction } from 'kysely';
import { listUserKeys } from '../api-keys/api-key-queries';
import { toApiKeyInfo } from '../api-keys/to-api-key-info';
import type { Database } from '../db/database';

/** The most audit events an export carries (newest first); `auditEventsTruncated` says so. */
export const EXPORT_AUDIT_LIMIT = 10_000;

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);
const isoNow = (d: Date | string): string => new Date(d).toISOString();

/**
 * Everything Gatehouse holds about one user, as the documented JSON (AccountExport in shared/,
 * docs/account-export.md): profile, sessions, API keys' and passkeys' metadata (never a
 * secret, hash or key), org memberships and the audit events they acted in or were the target
 * of. Parsed by the schema before it is sealed, so nothing the schema does not name can leave.
 */
export async function buildExport(
  db: Kysely<Database> | Transaction<Database>,
  userId: string,
): Promise<AccountExport> {
  const user = await db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'name',
      'role',
      'email_verified_at',
      'mfa_enabled_at',
      'created_at',
      'updated_at',
    ])
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  const sessions = await db
    .selectFrom('sessions')
    .select(['id', 'created_at', 'last_used_at', 'expires_at', 'ip', 'user_agent', 'auth_level'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const keys = await listUserKeys(db, userId);
  const memberships = await db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['m.org_id', 'o.name', 'm.role', 'm.created_at'])
    .where('m.user_id', '=', userId)
    .orderBy('m.created_at')
    .execute();
  const identities = await db
    .selectFrom('user_identities')
    .select(['provider', 'subject', 'email', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const passkeys = await db
    .selectFrom('passkeys')
    .select(['name', 'device_type', 'backed_up', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const keyIds = keys.map((k) => k.id);
  const events = await db
    .selectFrom('audit_events')
    .select([
      'id',
      'occurred_at',
      'action',
      'actor_type',
      'actor_id',
      'target_type',
      'target_id',
      'org_id',
      'ip',
      'outcome',
      'details',
      'on_behalf_of',
    ])
    .where((eb) =>
      eb.or([
        eb.and([eb('actor_type', '=', 'user'), eb('actor_id', '=', userId)]),
        ...(keyIds.length > 0
          ? [eb.and([eb('actor_type', '=', 'api_key'), eb('actor_id', 'in', keyIds)])]
          : []),
        eb.and([eb('target_type', '=', 'user'), eb('target_id', '=', userId)]),
        eb('on_behalf_of', '=', userId),
      ]),
    )
    .orderBy('id', 'desc')
    .limit(EXPORT_AUDIT_LIMIT + 1)
    .execute();
  return AccountExport.parse({
    format: 'gatehouse.account-export',
    version: 1,
    exportedAt: new Date().toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      emailVerifiedAt: iso(user.email_verified_at),
      mfaEnabledAt: iso(user.mfa_enabled_at),
      createdAt: isoNow(user.created_at),
      updatedAt: isoNow(user.updated_at),
    },
    sessions: sessions.map((s) => ({
      id: s.id,
      createdAt: isoNow(s.created_at),
      lastUsedAt: isoNow(s.last_used_at),
      expiresAt: isoNow(s.expires_at),
      ip: s.ip,
      userAgent: s.user_agent,
      authLevel: s.auth_level,
    })),
    apiKeys: keys.map(toApiKeyInfo),
    identities: identities.map((i) => ({
      provider: i.provider,
      subject: i.subject,
      email: i.email,
      linkedAt: isoNow(i.created_at),
      lastUsedAt: iso(i.last_used_at),
    })),
    passkeys: passkeys.map((p) => ({
      name: p.name,
      deviceType: p.device_type,
      backedUp: p.backed_up,
      createdAt: isoNow(p.created_at),
      lastUsedAt: iso(p.last_used_at),
    })),
    memberships: memberships.map((m) => ({
      orgId: m.org_id,
      orgName: m.name,
      role: m.role,
      joinedAt: isoNow(m.created_at),
    })),
    auditEvents: events.slice(0, EXPORT_AUDIT_LIMIT).map((e) => ({
      id: String(e.id),
      occurredAt: isoNow(e.occurred_at),
      action: e.action,
      actorType: e.actor_type,
      actorId: e.actor_id,
      targetType: e.target_type,
      targetId: e.target_id,
      orgId: e.org_id,
      ip: e.ip,
      outcome: e.outcome,
      onBehalfOf: e.on_behalf_of,
      details: e.details,
    })),
    auditEventsTruncated: events.length > EXPORT_AUDIT_LIMIT,
  });
}
