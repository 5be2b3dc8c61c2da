import { bulkSqlOf, sampleValueOf } from '../field-code';
import type { Field } from '../field-spec';
import type { Resource } from '../resource';

/** The pieces of generated test code both scopes' tests are made of. */
export interface TestParts {
  /** The field the tests change. */
  readonly first: Field;
  /** A valid new value of `first`, as code. */
  readonly changed: string;
  /** Column list and per-row values of a bulk INSERT … SELECT over generate_series(…) g. */
  readonly bulkColumns: string;
  readonly bulkValues: string;
}

export function testPartsOf(r: Resource): TestParts {
  const first = r.fields[0];
  if (!first) throw new Error('a resource has at least one field');
  const scope = r.personal ? ['owner_id'] : ['org_id', 'owner_id'];
  const scopeValues = r.personal ? ['${ownerId}'] : ['${orgId}', '${ownerId}'];
  return {
    first,
    changed: sampleValueOf(first, 7),
    bulkColumns: [...scope, ...r.fields.map((f) => f.column)].join(', '),
    bulkValues: [...scopeValues, ...r.fields.map(bulkSqlOf)].join(',\n            '),
  };
}
