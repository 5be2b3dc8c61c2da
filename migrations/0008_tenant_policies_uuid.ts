import { type Kysely, sql } from 'kysely';

/**
 * The tenant policies of 0002 compared `org_id::text` with the setting's
 * strings: evaluated again for every row, and not usable by an index, so a
 * small org-scoped table was read whole and sorted (2.4 ms for a page of 20
 * out of 1,000 rows) where the page index answers in 0.14 ms. Comparing uuids
 * with the setting cast once to `uuid[]` lets the planner use the policy as
 * an index condition. Same rows allowed as before: an empty or missing
 * setting allows nothing.
 */
const orgIds = sql`string_to_array(nullif(current_setting('gatehouse.org_ids', true), ''),
    ',')::uuid[]`;
const userId = sql`nullif(current_setting('gatehouse.user_id', true), '')::uuid`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop policy projects_tenant on projects`.execute(db);
  await sql`drop policy memberships_tenant on memberships`.execute(db);
  await sql`create policy projects_tenant on projects using (org_id = any (${orgIds})) with check
      (org_id = any (${orgIds}))`.execute(db);
  await sql`create policy memberships_tenant on memberships using (org_id = any (${orgIds}) or
      user_id = ${userId}) with check (org_id = any (${orgIds}))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const textOrgIds = sql`string_to_array(coalesce(current_setting('gatehouse.org_ids', true), ''),
      ',')`;
  const textUserId = sql`nullif(current_setting('gatehouse.user_id', true), '')`;
  await sql`drop policy projects_tenant on projects`.execute(db);
  await sql`drop policy memberships_tenant on memberships`.execute(db);
  await sql`create policy projects_tenant on projects using (org_id::text = any (${textOrgIds}))
      with check (org_id::text = any (${textOrgIds}))`.execute(db);
  await sql`create policy memberships_tenant on memberships using (org_id::text = any
      (${textOrgIds}) or user_id::text = ${textUserId}) with check (org_id::text = any
      (${textOrgIds}))`.execute(db);
}
