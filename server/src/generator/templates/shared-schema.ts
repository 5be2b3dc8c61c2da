import { omittableOnCreate } from '../field-spec';
import { inputZodOf, outputZodOf, schemaConstOf } from '../field-code';
import { headerOf, type Resource } from '../resource';

/** `shared/src/schemas/<plural>.ts`: the procedures' input and output schemas. */
export function sharedSchemaFile(r: Resource): string {
  const n = r.names;
  const consts = r.fields.map((f) => `const ${schemaConstOf(f)} = ${inputZodOf(f)};`);
  const create = r.fields.map(
    (f) => `  ${f.name}: ${schemaConstOf(f)}${omittableOnCreate(f) ? '.optional()' : ''},`,
  );
  const patch = r.fields.map(
    (f) => `    ${f.name}: ${schemaConstOf(f)}${f.optional ? '.nullable()' : ''}.optional(),`,
  );
  const output = r.fields.map((f) => `  ${f.name}: ${outputZodOf(f)},`);
  const search = r.search
    ? `  /** Case-insensitive substring of \`${r.search.name}\` (matched literally). */
  ${r.search.name}Contains: z.string().trim().min(1).max(200).optional(),\n`
    : '';
  const org = r.personal ? '' : '  orgId: z.uuid(),\n';
  const ownership = r.personal
    ? `  /** The user whose it is: always the caller. */
  ownerId: z.uuid(),`
    : `  orgId: z.uuid(),
  /** The member who created it (null once their account is gone). */
  ownerId: z.uuid().nullable(),`;
  return `${headerOf(r)}
import { z } from 'zod';
import { Cursor, IsoDate } from './common';

${consts.join('\n')}

export const ${n.pascal}Ref = z.strictObject({ ${org.trim()} id: z.uuid() });
export type ${n.pascal}Ref = z.infer<typeof ${n.pascal}Ref>;

/** What a caller may set: the schema is the allow-list (\`ownerId\`, \`version\` are refused). */
export const Create${n.pascal}Input = z.strictObject({
${org}${create.join('\n')}
});
export type Create${n.pascal}Input = z.infer<typeof Create${n.pascal}Input>;

/** A change at the version the caller read; a stale version answers CONFLICT. */
export const Update${n.pascal}Input = z.strictObject({
${org}  id: z.uuid(),
  version: z.number().int().positive(),
  patch: z.strictObject({
${patch.join('\n')}
  }),
});
export type Update${n.pascal}Input = z.infer<typeof Update${n.pascal}Input>;

export const List${n.pascalPlural}Input = z.strictObject({
${org}${search}  cursor: Cursor.optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type List${n.pascalPlural}Input = z.input<typeof List${n.pascalPlural}Input>;

export const ${n.pascal} = z.strictObject({
  id: z.uuid(),
${ownership}
${output.join('\n')}
  version: z.number().int(),
  createdAt: IsoDate,
  updatedAt: IsoDate,
});
export type ${n.pascal} = z.infer<typeof ${n.pascal}>;

export const ${n.pascal}Page = z.strictObject({
  ${n.camelPlural}: z.array(${n.pascal}),
  nextCursor: z.string().nullable(),
});
export type ${n.pascal}Page = z.infer<typeof ${n.pascal}Page>;
`;
}
