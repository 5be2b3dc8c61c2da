import { describe, expect, it } from 'vitest';
import { resourceOf } from '../../src/generator/plan-resource';
import { ResourceNameError } from '../../src/generator/resource-name';
import { migrationFile } from '../../src/generator/templates/migration';
import { queriesFile } from '../../src/generator/templates/queries';
import { routerFile } from '../../src/generator/templates/router';
import { serviceFile } from '../../src/generator/templates/service';
import { sharedSchemaFile } from '../../src/generator/templates/shared-schema';

const request = { name: 'note', fields: 'title:string(1..200)', commandLine: 'test' };
const personal = resourceOf({ ...request, owned: false, personal: true });
const org = resourceOf({ ...request, owned: false });

describe('a personal (--no-org) resource', () => {
  it('is refused together with --owned, which needs an org', () => {
    expect(() => resourceOf({ ...request, owned: true, personal: true })).toThrow(
      ResourceNameError,
    );
    expect(() => resourceOf({ ...request, owned: true, personal: true })).toThrow(
      /--owned and --no-org do not go together/,
    );
  });

  it('takes no orgId anywhere a caller could send one', () => {
    const schema = sharedSchemaFile(personal);
    expect(schema).not.toMatch(/orgId/);
    expect(sharedSchemaFile(org).match(/orgId: z\.uuid\(\)/g)).toHaveLength(5);
    expect(schema).toMatch(/ownerId: z\.uuid\(\),/); // never null: the row goes with its user
  });

  it('runs on the personal step, and every query takes the owner', () => {
    expect(routerFile(personal)).toMatch(
      /import \{ userProcedure \} from '..\/pipeline\/user-procedure'/,
    );
    expect(routerFile(personal)).not.toMatch(/orgProcedure/);
    expect(serviceFile(personal)).toMatch(/personal: Personal/);
    const queries = queriesFile(personal);
    expect(queries).not.toMatch(/org_id/);
    // find, list, update, delete: each filters on the owner.
    expect(queries.match(/\.where\('owner_id', '=', (ownerId|options\.ownerId)\)/g)).toHaveLength(
      4,
    );
  });

  it('keys its table, index and row-level security by the owner', () => {
    const migration = migrationFile(personal);
    expect(migration).not.toMatch(/org_id/);
    expect(migration).toMatch(/col\.notNull\(\)\.references\('users\.id'\)\.onDelete\('cascade'\)/);
    expect(migration).toMatch(/\.columns\(\['owner_id', 'created_at', 'id'\]\)/);
    expect(migration).toMatch(/force row level security/);
    const policy = 'create policy notes_owner on notes using (owner_id = ${userId}) with check';
    expect(migration).toContain(policy);
    expect(migration).toContain('(owner_id = ${userId})`.execute(db);');
  });
});
