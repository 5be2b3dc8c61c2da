import { INT_MAX, INT_MIN, type Field, type FieldKind } from './field-spec';

/** How one field appears in each generated file. */

/**
 * The name of the field's schema constant in the shared file (`amountCentsSchema`): camelCase,
 * so it never meets the file's PascalCase exports or its imports.
 */
export function schemaConstOf(field: Field): string {
  return `${field.name}Schema`;
}

/** The zod schema of an accepted value (create and update share it). */
export function inputZodOf(field: Field): string {
  switch (field.kind) {
    case 'string':
    case 'text':
      return `z.string().trim().min(${field.min ?? 0}).max(${field.max ?? 200})`;
    case 'int': {
      const min = field.min ?? INT_MIN;
      const max = field.max ?? INT_MAX;
      return `z.number().int().min(${min}).max(${max})`;
    }
    case 'boolean':
      return 'z.boolean()';
    case 'date':
      return 'z.iso.date()';
    case 'datetime':
      return 'z.iso.datetime()';
    case 'enum':
      return `z.enum([${(field.values ?? []).map((v) => `'${v}'`).join(', ')}])`;
  }
}

/** Per kind: the output schema, the selected TypeScript type and the column type. */
const KINDS: Readonly<Record<FieldKind, { output: string; rowType: string; column: string }>> = {
  string: { output: 'z.string()', rowType: 'string', column: 'text' },
  text: { output: 'z.string()', rowType: 'string', column: 'text' },
  int: { output: 'z.number().int()', rowType: 'number', column: 'integer' },
  boolean: { output: 'z.boolean()', rowType: 'boolean', column: 'boolean' },
  date: { output: 'z.iso.date()', rowType: 'string', column: 'date' },
  datetime: { output: 'IsoDate', rowType: 'Date', column: 'timestamptz' },
  enum: { output: '', rowType: '', column: 'text' },
};

/** The zod schema of the value in the output (nullable when optional). */
export function outputZodOf(field: Field): string {
  const base = field.kind === 'enum' ? schemaConstOf(field) : KINDS[field.kind].output;
  return field.optional ? `${base}.nullable()` : base;
}

/** The TypeScript type of the column's value as the queries select it. */
export function rowTypeOf(field: Field): string {
  const base =
    field.kind === 'enum'
      ? (field.values ?? []).map((v) => `'${v}'`).join(' | ')
      : KINDS[field.kind].rowType;
  return field.optional ? `${base} | null` : base;
}

/** The Kysely table-interface type (what may be inserted and updated). */
export function tableTypeOf(field: Field): string {
  const select = rowTypeOf(field);
  if (field.kind === 'date') {
    const t = field.optional ? 'string | null' : 'string';
    return `ColumnType<${t}, ${t}${field.optional ? ' | undefined' : ''}, ${t}>`;
  }
  if (field.kind === 'datetime') {
    const t = field.optional ? 'Date | string | null' : 'Date | string';
    const s = field.optional ? 'Date | null' : 'Date';
    return `ColumnType<${s}, ${t}${field.optional ? ' | undefined' : ''}, ${t}>`;
  }
  if (field.defaultValue !== undefined) return `Generated<${select}>`;
  return select;
}

function sqlLiteral(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** The column in the migration: type, null-ness, default and the schema's bounds as a check. */
export function migrationColumnOf(field: Field): string {
  const c = field.column;
  const type = KINDS[field.kind].column;
  const parts: string[] = [];
  if (!field.optional) parts.push('.notNull()');
  if (field.defaultValue !== undefined) parts.push(`.defaultTo(${sqlLiteral(field.defaultValue)})`);
  const checks: string[] = [];
  if (field.kind === 'string' || field.kind === 'text')
    checks.push(`char_length(${c}) between ${field.min ?? 0} and ${field.max ?? 200}`);
  if (field.kind === 'int') {
    if (field.min !== undefined && field.min > INT_MIN) checks.push(`${c} >= ${field.min}`);
    if (field.max !== undefined && field.max < INT_MAX) checks.push(`${c} <= ${field.max}`);
  }
  if (field.kind === 'enum')
    checks.push(`${c} in (${(field.values ?? []).map((v) => `'${v}'`).join(', ')})`);
  if (checks.length > 0) parts.push(`.check(sql\`${checks.join(' and ')}\`)`);
  const modifiers = parts.length > 0 ? `, (col) => col${parts.join('')}` : '';
  return `.addColumn('${c}', '${type}'${modifiers})`;
}

/** A valid value, as TypeScript source, distinct per `n`. */
export function sampleValueOf(field: Field, n: number): string {
  switch (field.kind) {
    case 'string':
    case 'text': {
      const max = field.max ?? 200;
      const min = field.min ?? 0;
      const text = `${field.name} ${n}`.slice(0, max).padEnd(Math.max(min, 1), 'x');
      return `'${text}'`;
    }
    case 'int': {
      const min = field.min ?? INT_MIN;
      const max = field.max ?? INT_MAX;
      return String(Math.min(Math.max(n, min), max));
    }
    case 'boolean':
      return n % 2 === 0 ? 'true' : 'false';
    case 'date':
      return `'2026-0${1 + (n % 9)}-1${n % 10}'`;
    case 'datetime':
      return `'2026-0${1 + (n % 9)}-1${n % 10}T10:00:00.000Z'`;
    case 'enum': {
      const values = field.values ?? [];
      return `'${values[n % values.length] ?? ''}'`;
    }
  }
}

/** The same sample as an SQL expression over `g` (generate_series), for bulk rows. */
export function bulkSqlOf(field: Field): string {
  switch (field.kind) {
    case 'string':
    case 'text':
      // At least min characters (padded with x), at most max.
      return `left('r' || g || repeat('x', ${field.min ?? 0}), ${field.max ?? 200})`;
    case 'int': {
      const min = field.min ?? INT_MIN;
      const max = field.max ?? INT_MAX;
      return String(Math.min(Math.max(0, min), max));
    }
    case 'boolean':
      return 'false';
    case 'date':
      return `date '2026-01-01'`;
    case 'datetime':
      return 'now()';
    case 'enum':
      return `'${field.values?.[0] ?? ''}'`;
  }
}

/** Values the schema must refuse, each with what it breaks, as TypeScript source. */
export function invalidValuesOf(field: Field): { value: string; why: string }[] {
  const out: { value: string; why: string }[] = [];
  switch (field.kind) {
    case 'string':
    case 'text': {
      const min = field.min ?? 0;
      const max = field.max ?? 200;
      out.push({ value: `'x'.repeat(${max + 1})`, why: `longer than ${max}` });
      if (min > 0)
        out.push({ value: `'${' '.repeat(min)}'`, why: `shorter than ${min} once trimmed` });
      out.push({ value: '42', why: 'not a string' });
      break;
    }
    case 'int': {
      if (field.min !== undefined && field.min > INT_MIN)
        out.push({ value: String(field.min - 1), why: `below ${field.min}` });
      if (field.max !== undefined && field.max < INT_MAX)
        out.push({ value: String(field.max + 1), why: `above ${field.max}` });
      out.push({ value: '1.5', why: 'not a whole number' });
      out.push({ value: String(INT_MAX + 1), why: 'outside the integer range' });
      out.push({ value: `'7'`, why: 'a string' });
      break;
    }
    case 'boolean':
      out.push({ value: `'yes'`, why: 'not a boolean' });
      break;
    case 'date':
      out.push({ value: `'2026-02-30'`, why: 'no such day' });
      out.push({ value: `'03/12/2026'`, why: 'not YYYY-MM-DD' });
      break;
    case 'datetime':
      out.push({ value: `'2026-12-03 10:00'`, why: 'not ISO 8601 with a zone' });
      break;
    case 'enum':
      out.push({
        value: `'${(field.values?.[0] ?? 'x').toUpperCase()}'`,
        why: 'not one of the values',
      });
      out.push({ value: `'archived_${field.values?.length ?? 0}'`, why: 'not one of the values' });
      break;
  }
  return out;
}
