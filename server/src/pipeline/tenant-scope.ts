import type { OrgRole, Permission } from '@gatehouse/shared';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database';

/**
 * The org-scoped part of a request: its transaction runs as `gatehouse_app` under row-level
 * security.
 */
export interface Tenant {
  readonly db: Transaction<Database>;
  readonly orgId: string;
  readonly role: OrgRole;
  /** The caller's permissions in this org (org role ∩ global/key permissions). */
  readonly permissions: ReadonlySet<Permission>;
  readonly requireMfa: boolean;
  /**
   * Runs `effect` once the transaction has committed (never when it rolls back): how a change
   * is announced to other instances only when it is real (memberships, cached elsewhere).
   */
  afterCommit(effect: () => Promise<void>): void;
}

/** Tells the row-level-security policies who is asking (transaction-local settings). */
export async function setTenantSettings(
  trx: Transaction<Database>,
  userId: string,
  orgIds: readonly string[],
): Promise<void> {
  await sql`select set_config('gatehouse.user_id', ${userId}, true),
    set_config('gatehouse.org_ids', ${orgIds.join(',')}, true)`.execute(trx);
}

/**
 * Settings, then the restricted role, in one statement (one round trip):
 * from here to the end of the transaction, queries run as the non-owner role
 * `gatehouse_app`, so row-level security applies to them even when the server
 * connects as the tables' owner or a superuser. `set_config('role', …, true)`
 * is `SET LOCAL ROLE`, with the same membership check.
 */
export async function enterTenantScope(
  trx: Transaction<Database>,
  userId: string,
  orgIds: readonly string[],
): Promise<void> {
  await sql`select set_config('gatehouse.user_id', ${userId}, true),
    set_config('gatehouse.org_ids', ${orgIds.join(',')}, true),
    set_config('role', 'gatehouse_app', true)`.execute(trx);
}
