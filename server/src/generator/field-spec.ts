/**
 * The `--fields` language of `gatehouse generate resource`: a comma-separated
 * list of `name:type(constraints)` with `?` for an optional field and
 * `=value` for a default. Every field is bounded: a string without a length
 * gets 1..200, an int without a range the PostgreSQL integer range.
 */

export type FieldKind = 'string' | 'text' | 'int' | 'boolean' | 'date' | 'datetime' | 'enum';

export interface Field {
  /** camelCase, as the API and the client see it. */
  readonly name: string;
  /** snake_case, the column. */
  readonly column: string;
  readonly kind: FieldKind;
  /** Absent on create, nullable in the table and on update. */
  readonly optional: boolean;
  /** string/text: character counts; int: values. */
  readonly min?: number;
  readonly max?: number;
  /** enum: the allowed values, in order. */
  readonly values?: readonly string[];
  /** The column default (enum value, boolean, int); such a field may be left out on create. */
  readonly defaultValue?: string | number | boolean;
}

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
const STRING_LIMITS = {
  string: { min: 1, max: 200, cap: 1000 },
  text: { min: 0, max: 5000, cap: 100_000 },
};

/** What each type accepts, for `generate --help`. */
export const FIELD_TYPES_HELP = `Field types (name:type; ? after it: optional; =value: a default):
  string(1..200)    trimmed text; (min..max) characters, default 1..200, at most 1000
  string(..80)      at most 80 characters (min 1)
  text(..5000)      longer text; default 0..5000, at most 100000
  int(>=0)          a whole number; (>=n), (<=n) or (n..m); default the int4 range
  boolean           true or false; boolean=false gives a default
  date              a calendar date, YYYY-MM-DD
  datetime          an instant, ISO 8601 with Z (2026-12-03T10:00:00Z)
  enum(a|b|c)       one of the values (lowercase letters, digits, _); enum(a|b)=a defaults
Names are camelCase (amountCents); the column is snake_case (amount_cents). An optional field
is nullable in the table, may be left out on create and set to null on update.`;

export class FieldSpecError extends Error {}

const FIELD_NAME = /^[a-z][a-zA-Z0-9]{0,39}$/;
const ENUM_VALUE = /^[a-z][a-z0-9_]{0,39}$/;
const RESERVED_FIELDS = new Set([
  'id',
  'orgId',
  'ownerId',
  'version',
  'createdAt',
  'updatedAt',
  'patch',
  'cursor',
  'limit',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  '__proto__',
]);

function snakeOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function wholeNumber(text: string, field: string): number {
  if (!/^-?\d{1,10}$/.test(text))
    throw new FieldSpecError(`${field}: "${text}" is not a whole number`);
  const n = Number(text);
  if (n < INT_MIN || n > INT_MAX)
    throw new FieldSpecError(`${field}: ${text} is outside the integer range`);
  return n;
}

/** `(1..200)`, `(..80)`, `(>=0)`, `(<=10)` into bounds. */
function parseRange(text: string, field: string): { min?: number; max?: number } {
  const range = /^(-?\d*)\.\.(-?\d*)$/.exec(text);
  if (range) {
    const [, lo = '', hi = ''] = range;
    return {
      ...(lo !== '' ? { min: wholeNumber(lo, field) } : {}),
      ...(hi !== '' ? { max: wholeNumber(hi, field) } : {}),
    };
  }
  const cmp = /^(>=|<=)(-?\d+)$/.exec(text);
  if (cmp) {
    const n = wholeNumber(cmp[2] ?? '', field);
    return cmp[1] === '>=' ? { min: n } : { max: n };
  }
  throw new FieldSpecError(
    `${field}: "(${text})" is not a range; write (1..200), (..80), (>=0) or (<=10)`,
  );
}

function parseField(spec: string): Field {
  const m = /^([^:]+):([a-z]+)(?:\(([^)]*)\))?(\?)?(?:=(.+))?$/.exec(spec);
  if (!m) throw new FieldSpecError(`"${spec}" is not name:type (see --help for the types)`);
  const [, name = '', kind = '', args, question, given] = m;
  if (!FIELD_NAME.test(name))
    throw new FieldSpecError(
      `"${name}" is not a camelCase field name (a-z first, letters and digits)`,
    );
  if (RESERVED_FIELDS.has(name))
    throw new FieldSpecError(`"${name}" is a field every resource already has or a reserved name`);
  const base = { name, column: snakeOf(name), optional: question === '?' };
  switch (kind) {
    case 'string':
    case 'text': {
      const limits = STRING_LIMITS[kind];
      const range = args !== undefined ? parseRange(args, name) : {};
      const min = range.min ?? (range.max !== undefined ? Math.min(1, range.max) : limits.min);
      const max = range.max ?? limits.max;
      if (min < 0 || max < 1 || min > max || max > limits.cap)
        throw new FieldSpecError(
          `${name}: ${kind} lengths must satisfy 0 <= min <= max <= ${limits.cap}, max >= 1`,
        );
      if (given !== undefined) throw new FieldSpecError(`${name}: ${kind} fields take no default`);
      return { ...base, kind, min, max };
    }
    case 'int': {
      const range = args !== undefined ? parseRange(args, name) : {};
      const min = range.min ?? INT_MIN;
      const max = range.max ?? INT_MAX;
      if (min > max) throw new FieldSpecError(`${name}: the range is empty (${min} > ${max})`);
      const defaultValue = given !== undefined ? wholeNumber(given, name) : undefined;
      if (defaultValue !== undefined && (defaultValue < min || defaultValue > max))
        throw new FieldSpecError(`${name}: the default ${defaultValue} is outside ${min}..${max}`);
      return { ...base, kind, min, max, ...(defaultValue !== undefined ? { defaultValue } : {}) };
    }
    case 'boolean': {
      if (args !== undefined) throw new FieldSpecError(`${name}: boolean takes no arguments`);
      if (given !== undefined && given !== 'true' && given !== 'false')
        throw new FieldSpecError(`${name}: a boolean default is true or false`);
      return { ...base, kind, ...(given !== undefined ? { defaultValue: given === 'true' } : {}) };
    }
    case 'date':
    case 'datetime':
      if (args !== undefined || given !== undefined)
        throw new FieldSpecError(`${name}: ${kind} takes no arguments or default`);
      return { ...base, kind };
    case 'enum': {
      const values = (args ?? '').split('|').map((v) => v.trim());
      if (values.length < 1 || values.some((v) => !ENUM_VALUE.test(v)))
        throw new FieldSpecError(`${name}: enum(a|b|c) values are lowercase words (a-z, 0-9, _)`);
      if (new Set(values).size !== values.length)
        throw new FieldSpecError(`${name}: an enum value is listed twice`);
      if (given !== undefined && !values.includes(given))
        throw new FieldSpecError(
          `${name}: the default "${given}" is not one of ${values.join('|')}`,
        );
      return { ...base, kind, values, ...(given !== undefined ? { defaultValue: given } : {}) };
    }
    default:
      throw new FieldSpecError(`${name}: unknown type "${kind}" (see --help for the types)`);
  }
}

/** Splits at commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth += 1;
    if (c === ')') depth -= 1;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** The fields of a `--fields` value; a resource without `--fields` gets `name:string(1..200)`. */
export function parseFields(text: string | undefined): Field[] {
  const specs = splitTopLevel(text ?? 'name:string(1..200)');
  if (specs.length === 0) throw new FieldSpecError('--fields lists no field');
  if (specs.length > 40) throw new FieldSpecError('--fields lists more than 40 fields');
  const fields = specs.map(parseField);
  const seen = new Set<string>();
  for (const f of fields) {
    if (seen.has(f.column)) throw new FieldSpecError(`"${f.name}" is declared twice`);
    seen.add(f.column);
  }
  return fields;
}

/** The field the list filters on by substring: the first required string, if any. */
export function searchFieldOf(fields: readonly Field[]): Field | undefined {
  return fields.find((f) => f.kind === 'string' && !f.optional);
}

/** Whether a create may leave the field out. */
export function omittableOnCreate(field: Field): boolean {
  return field.optional || field.defaultValue !== undefined;
}
