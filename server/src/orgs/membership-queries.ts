import type { Kysely, Transaction } from 'kysely';
import type { Database, OrgRole } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** One of a user's orgs, with their role there and the org's MFA rule. */
export interface MembershipOfRow {
  readonly org_id: string;
  readonly role: OrgRole;
  readonly require_mfa: boolean;
  readonly require_provider: string | null;
  readonly member_email_domain: string | null;
  readonly name: string;
  readonly created_at: Date;
}

/** A member as the members list shows them. */
export interface MemberRow {
  readonly user_id: string;
  readonly role: OrgRole;
  readonly created_at: Date;
  readonly email: string;
  readonly name: string | null;
}

/** One membership row. */
export interface MembershipRow {
  readonly org_id: string;
  readonly user_id: string;
  readonly role: OrgRole;
}

/** Every org the user belongs to, with the role and the org's MFA rule: one indexed query. */
export function membershipsOf(db: Db, userId: string): Promise<MembershipOfRow[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select([
      'm.org_id',
      'm.role',
      'o.require_mfa',
      'o.require_provider',
      'o.member_email_domain',
      'o.name',
      'o.created_at',
    ])
    .where('m.user_id', '=', userId)
    .orderBy('o.created_at')
    .orderBy('m.org_id')
    .execute();
}

export function listMembers(db: Db, orgId: string): Promise<MemberRow[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.role', 'm.created_at', 'u.email', 'u.name'])
    .where('m.org_id', '=', orgId)
    .orderBy('m.created_at')
    .orderBy('m.user_id')
    .limit(1000)
    .execute();
}

export function findMembership(
  db: Db,
  orgId: string,
  userId: string,
): Promise<MembershipRow | undefined> {
  return db
    .selectFrom('memberships')
    .select(['org_id', 'user_id', 'role'])
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Whether the account with this email already belongs to the org. */
export async function isMemberByEmail(db: Db, orgId: string, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.user_id')
    .where('m.org_id', '=', orgId)
    .where('u.email', '=', email)
    .executeTakeFirst();
  return row !== undefined;
}

/** Locks the org's owner rows: concurrent demotions and departures of owners serialise here. */
export function lockOwners(
  trx: Transaction<Database>,
  orgId: string,
): Promise<{ user_id: string }[]> {
  return trx
    .selectFrom('memberships')
    .select(['user_id'])
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .orderBy('user_id')
    .forUpdate()
    .execute();
}

/** Adds a member; undefined when they already were one. */
export function insertMembership(
  db: Db,
  orgId: string,
  userId: string,
  role: OrgRole,
): Promise<{ role: OrgRole } | undefined> {
  return db
    .insertInto('memberships')
    .values({ org_id: orgId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
    .returning('role')
    .executeTakeFirst();
}

export async function updateMembershipRole(
  db: Db,
  orgId: string,
  userId: string,
  role: OrgRole,
): Promise<void> {
  await db
    .updateTable('memberships')
    .set({ role })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function deleteMembership(db: Db, orgId: string, userId: string): Promise<void> {
  await db
    .deleteFrom('memberships')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}
