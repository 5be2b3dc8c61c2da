import { tableTypeOf } from '../field-code';
import type { Resource } from '../resource';

/** The Kysely interface of the table, inserted into server/src/db/database.ts. */
export function tableInterfaceOf(r: Resource): string {
  const fields = r.fields.map((f) => `  ${f.column}: ${tableTypeOf(f)};`);
  return `export interface ${r.names.pascalPlural}Table {
  id: Generated<string>;
${r.personal ? '  owner_id: string;' : '  org_id: string;\n  owner_id: string | null;'}
${fields.join('\n')}
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}
`;
}
