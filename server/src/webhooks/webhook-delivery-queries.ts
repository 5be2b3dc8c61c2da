import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database';

// The delivery worker's queries. Each runs inside the worker's transaction (the claim's, or
// the recording of one attempt), so each takes the transaction.

type Trx = Transaction<Database>;

/** A due delivery, as the claim first finds it. */
export interface DueDeliveryRow {
  readonly id: string;
  readonly endpoint_id: string;
}

/**
 * Up to `limit` pending deliveries due now and not under a live lease, of endpoints that are
 * not disabled, oldest due first; locked, skipping rows another instance holds.
 */
export function lockDueDeliveries(trx: Trx, limit: number): Promise<DueDeliveryRow[]> {
  return trx
    .selectFrom('webhook_deliveries')
    .select(['id', 'endpoint_id'])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', sql<Date>`now()`)
    .where((eb) =>
      eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', sql<Date>`now()`)]),
    )
    .where('endpoint_id', 'in', (eb) =>
      eb.selectFrom('webhook_endpoints').select('id').where('status', '<>', 'disabled'),
    )
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

/**
 * Locks the endpoints' rows, skipping those another instance holds; returns the ids locked.
 * Whoever holds an endpoint's row claims for it; the others skip it this round.
 */
export function lockEndpointsForClaim(
  trx: Trx,
  endpointIds: readonly string[],
): Promise<{ id: string }[]> {
  return trx
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('id', 'in', endpointIds)
    .forNoKeyUpdate()
    .skipLocked()
    .execute();
}

/** How many of an endpoint's deliveries are in flight (`n` as Postgres counts it, a string). */
export interface InflightCountRow {
  readonly endpoint_id: string;
  readonly n: string;
}

/** Per endpoint, its pending deliveries under a live lease (endpoints with none are absent). */
export function countInflightDeliveries(
  trx: Trx,
  endpointIds: readonly string[],
): Promise<InflightCountRow[]> {
  return trx
    .selectFrom('webhook_deliveries')
    .select(['endpoint_id', (eb) => eb.fn.countAll<string>().as('n')])
    .where('endpoint_id', 'in', endpointIds)
    .where('status', '=', 'pending')
    .where('lease_until', '>', sql<Date>`now()`)
    .groupBy('endpoint_id')
    .execute();
}

/** Leases the deliveries to `token` for `leaseMs` from now. */
export async function leaseDeliveries(
  trx: Trx,
  ids: readonly string[],
  token: string,
  leaseMs: number,
): Promise<void> {
  await trx
    .updateTable('webhook_deliveries')
    .set({
      lease_until: sql`now() + make_interval(secs => ${leaseMs / 1000})`,
      lease_token: token,
    })
    .where('id', 'in', ids)
    .execute();
}

/** A claimed delivery with what sending it needs from its endpoint. */
export interface ClaimedDeliveryRow {
  readonly id: string;
  readonly org_id: string;
  readonly endpoint_id: string;
  readonly event_id: string;
  readonly payload: string;
  readonly attempts: number;
  readonly created_at: Date;
  readonly url: string;
  readonly endpoint_status: 'active' | 'disabled' | 'failing';
  readonly secret: string;
  readonly previous_secret: string | null;
  readonly previous_secret_expires_at: Date | null;
}

export function findClaimedDeliveries(
  trx: Trx,
  ids: readonly string[],
): Promise<ClaimedDeliveryRow[]> {
  return trx
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select([
      'd.id',
      'd.org_id',
      'd.endpoint_id',
      'd.event_id',
      'd.payload',
      'd.attempts',
      'd.created_at',
      'e.url',
      'e.status as endpoint_status',
      'e.secret',
      'e.previous_secret',
      'e.previous_secret_expires_at',
    ])
    .where('d.id', 'in', ids)
    .execute();
}

/** Which attempt of which leased delivery, and how it ended. */
export interface AttemptRecord {
  readonly id: string;
  /** Only the lease holder records: a delivery re-leased since is left alone. */
  readonly leaseToken: string;
  readonly attempts: number;
  readonly lastStatus: number | null;
}

export async function markDeliverySucceeded(trx: Trx, attempt: AttemptRecord): Promise<void> {
  await trx
    .updateTable('webhook_deliveries')
    .set({
      status: 'succeeded',
      attempts: attempt.attempts,
      delivered_at: sql`now()`,
      last_attempt_at: sql`now()`,
      last_status: attempt.lastStatus,
      last_error: null,
      lease_until: null,
      lease_token: null,
    })
    .where('id', '=', attempt.id)
    .where('lease_token', '=', attempt.leaseToken)
    .execute();
}

/**
 * Records a failed attempt: given up (`failed`), or due again `delayMs` from now.
 */
export async function recordFailedAttempt(
  trx: Trx,
  attempt: AttemptRecord & {
    readonly lastError: string | null;
    readonly giveUp: boolean;
    readonly delayMs: number;
  },
): Promise<void> {
  await trx
    .updateTable('webhook_deliveries')
    .set({
      ...(attempt.giveUp
        ? { status: 'failed' as const }
        : { next_attempt_at: sql`now() + make_interval(secs => ${attempt.delayMs / 1000})` }),
      attempts: attempt.attempts,
      last_attempt_at: sql`now()`,
      last_status: attempt.lastStatus,
      last_error: attempt.lastError,
      lease_until: null,
      lease_token: null,
    })
    .where('id', '=', attempt.id)
    .where('lease_token', '=', attempt.leaseToken)
    .execute();
}

/** A receiver that answers again is healthy again: a failing endpoint turns active. */
export async function markEndpointHealthy(trx: Trx, endpointId: string): Promise<void> {
  await trx
    .updateTable('webhook_endpoints')
    .set({ status: 'active', updated_at: sql`now()` })
    .where('id', '=', endpointId)
    .where('status', '=', 'failing')
    .execute();
}

/** Turns an active endpoint failing; true if it flipped now (not already failing or disabled). */
export async function markEndpointFailing(trx: Trx, endpointId: string): Promise<boolean> {
  const flipped = await trx
    .updateTable('webhook_endpoints')
    .set({ status: 'failing', updated_at: sql`now()` })
    .where('id', '=', endpointId)
    .where('status', '=', 'active')
    .returning('id')
    .executeTakeFirst();
  return flipped !== undefined;
}

/** The emails of the org's owners and admins (memberships: the transaction must be scoped). */
export function listOrgAdminEmails(trx: Trx, orgId: string): Promise<{ email: string }[]> {
  return trx
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.email'])
    .where('memberships.org_id', '=', orgId)
    .where('memberships.role', 'in', ['owner', 'admin'])
    .execute();
}

export function findOrgName(trx: Trx, orgId: string): Promise<{ name: string } | undefined> {
  return trx.selectFrom('orgs').select('name').where('id', '=', orgId).executeTakeFirst();
}
