import { migrationColumnOf } from '../field-code';
import { headerOf, type Resource } from '../resource';

/** `migrations/NNNN_<plural>.ts`: the table, its page index and its tenant policy. */
export function migrationFile(r: Resource): string {
  const t = r.names.table;
  return `${headerOf(r)}
import { type Kysely, sql } from 'kysely';

/**
 * ${r.names.pascalPlural}, one organization's rows each: the keyset page index, and row-level
 * security in the form of the other tenant tables (migration 0008): rows are visible to
 * \`gatehouse_app\` only for the orgs of the transaction's \`gatehouse.org_ids\` setting, and an
 * empty or missing setting allows none.
 */
const orgIds = sql\`string_to_array(nullif(current_setting('gatehouse.org_ids', true), ''),
    ',')::uuid[]\`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('${t}')
    .addColumn('id', 'uuid', (col) => col.primaryKey().defaultTo(sql\`gen_random_uuid()\`))
    .addColumn('org_id', 'uuid', (col) => col.notNull().references('orgs.id').onDelete('cascade'))
    .addColumn('owner_id', 'uuid', (col) => col.references('users.id').onDelete('set null'))
${r.fields.map((f) => `    ${migrationColumnOf(f)}`).join('\n')}
    .addColumn('version', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql\`now()\`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql\`now()\`))
    .execute();
  // Keyset pagination: newest first within an org.
  await db.schema
    .createIndex('${t}_org_page_idx')
    .on('${t}')
    .columns(['org_id', 'created_at', 'id'])
    .execute();
  await sql\`alter table ${t} enable row level security\`.execute(db);
  await sql\`alter table ${t} force row level security\`.execute(db);
  await sql\`create policy ${t}_tenant on ${t} using (org_id = any (\${orgIds})) with check
      (org_id = any (\${orgIds}))\`.execute(db);
  await sql\`grant select, insert, update, delete on ${t} to gatehouse_app\`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('${t}').execute();
}
`;
}
