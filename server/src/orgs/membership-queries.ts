import type { Kysely, Transaction } from 'kysely';
import type { Database, OrgRole } from '../db/database';

type Db = Kysely<Database> | Transaction<Database>;

/** Every org the user belongs to, with the role and the org's MFA rule: one indexed query. */
export function membershipsOf(db: Db, userId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('orgs as o', 'o.id', 'm.org_id')
    .select(['m.org_id', 'm.role', 'o.require_mfa', 'o.name', 'o.created_at'])
    .where('m.user_id', '=', userId)
    .orderBy('o.created_at')
    .orderBy('m.org_id')
    .execute();
}

export function listMembers(db: Db, orgId: string) {
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

export function findMembership(db: Db, orgId: string, userId: string) {
  return db
    .selectFrom('memberships')
    .select(['org_id', 'user_id', 'role'])
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

/** Locks the org's owner rows: concurrent demotions and departures of owners serialise here. */
export function lockOwners(trx: Transaction<Database>, orgId: string) {
  return trx
    .selectFrom('memberships')
    .select(['user_id'])
    .where('org_id', '=', orgId)
    .where('role', '=', 'owner')
    .orderBy('user_id')
    .forUpdate()
    .execute();
}

export function insertMembership(db: Db, orgId: string, userId: string, role: OrgRole) {
  return db
    .insertInto('memberships')
    .values({ org_id: orgId, user_id: userId, role })
    .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
    .returning('role')
    .executeTakeFirst();
}

export function updateMembershipRole(db: Db, orgId: string, userId: string, role: OrgRole) {
  return db
    .updateTable('memberships')
    .set({ role })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export function deleteMembership(db: Db, orgId: string, userId: string) {
  return db
    .deleteFrom('memberships')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}
