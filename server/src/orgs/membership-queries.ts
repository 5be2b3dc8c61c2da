import type { DeleteResult, Kysely, Selectable, Transaction, UpdateResult } from 'kysely';
import type { Database, MembershipsTable, OrgRole, OrgsTable, UsersTable } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** One of a user's orgs, with the role there and the org's MFA rule. */
export type MembershipOfRow = Pick<Selectable<MembershipsTable>, 'org_id' | 'role'> &
  Pick<Selectable<OrgsTable>, 'require_mfa' | 'name' | 'created_at'>;

/** One member of an org, with the user's email and name. */
export type MemberRow = Pick<Selectable<MembershipsTable>, 'user_id' | 'role' | 'created_at'> &
  Pick<Selectable<UsersTable>, 'email' | 'name'>;

/** Every org the user belongs to, with the role and the org's MFA rule: one indexed query. */
export function membershipsOf(db: Db, userId: string): Promise<MembershipOfRow[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['m.org_id', 'm.role', 'o.require_mfa', 'o.name', 'o.created_at'])
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
): Promise<Pick<Selectable<MembershipsTable>, 'org_id' | 'user_id' | 'role'> | undefined> {
  return db
    .selectFrom('memberships')
    .select(['org_id', 'user_id', 'role'])
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Locks the org's owner rows: concurrent demotions and departures of owners serialise here. */
export function lockOwners(
  trx: Transaction<Database>,
  orgId: string,
): Promise<Pick<Selectable<MembershipsTable>, 'user_id'>[]> {
  return trx
    .selectFrom('memberships')
    .select(['user_id'])
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .orderBy('user_id')
    .forUpdate()
    .execute();
}

export function insertMembership(
  db: Db,
  orgId: string,
  userId: string,
  role: OrgRole,
): Promise<Pick<Selectable<MembershipsTable>, 'role'> | undefined> {
  return db
    .insertInto('memberships')
    .values({ org_id: orgId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
    .returning('role')
    .executeTakeFirst();
}

export function updateMembershipRole(
  db: Db,
  orgId: string,
  userId: string,
  role: OrgRole,
): Promise<UpdateResult> {
  return db
    .updateTable('memberships')
    .set({ role })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function deleteMembership(db: Db, orgId: string, userId: string): Promise<DeleteResult> {
  return db
    .deleteFrom('memberships')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}
