import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The hashed content of one audit row (everything but the hashes themselves). */
export interface AuditRecord {
  readonly id: string;
  readonly occurredAt: string;
  readonly actorType: string;
  readonly actorId: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  readonly orgId: string | null;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly outcome: string;
  readonly details: Record<string, unknown>;
  /**
   * The impersonated user (0016). Absent, not null, when there is none: canonical JSON drops
   * undefined members, so every row without it (all rows written before 0016) hashes exactly
   * as it did, and a row with it commits to it.
   */
  readonly onBehalfOf?: string;
}

/** hash = SHA-256(prev_hash || canonical JSON of the record). */
export function chainHash(prevHash: Uint8Array, record: AuditRecord): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalJson(record), 'utf8').digest();
}

/** A row as read back from the database, as the record that was hashed. */
export function recordFromRow(row: {
  id: string | number | bigint;
  occurred_at: Date | string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  org_id: string | null;
  ip: string | null;
  request_id: string | null;
  outcome: string;
  details: Record<string, unknown>;
  on_behalf_of?: string | null;
}): AuditRecord {
  const onBehalfOf = row.on_behalf_of ?? null;
  return {
    id: String(row.id),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    orgId: row.org_id,
    ip: row.ip,
    requestId: row.request_id,
    outcome: row.outcome,
    details: row.details,
    ...(onBehalfOf !== null ? { onBehalfOf } : {}),
  };
}
