import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/database';
import type { ExposedCredentialRevoker } from '../http/credential-over-plain-http';
import type { AuditSink } from '../pipeline/audit-sink';
import { constantTimeEqual } from '../crypto/random-token';
import { parseApiKey } from './api-key-token';

/** Revokes an API key that crossed the network in clear text (it reached the plain-HTTP listener), and audits it. */
export function createExposedApiKeyRevoker(deps: { db: Kysely<Database>; audit: AuditSink }): ExposedCredentialRevoker {
  return async function revokeExposedApiKey(credential, request) {
    if (credential.kind === 'session') return;
    const parsed = parseApiKey(credential.value);
    if (!parsed) return;
    const row = await deps.db.selectFrom('api_keys').select(['id', 'secret_hash', 'revoked_at']).where('id', '=', parsed.id).executeTakeFirst();
    if (!row || row.revoked_at !== null || !constantTimeEqual(Buffer.from(row.secret_hash), parsed.secretHash)) return;
    await deps.db.updateTable('api_keys').set({ revoked_at: sql`now()` }).where('id', '=', row.id).execute();
    await deps.audit.append(deps.db, { action: 'api_key.revoke_exposed', actor: { type: 'system', id: null }, target: { type: 'api_key', id: row.id }, outcome: 'success', ip: request.ip, requestId: request.requestId, details: { cause: 'sent over plain HTTP' } });
  };
}
