import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { addSortedTableRows, appendToTableCell } from '../../src/generator/markdown-edits';
import { sourceEdits } from '../../src/generator/source-edits';

const edits = sourceEdits(ts);

describe('edits of the closed lists', () => {
  it('adds to an array literal at the end or in sorted place, once', () => {
    const text = "export const A = [\n  'a.x',\n  'c.x',\n] as const;\n";
    const once = edits.addToStringArray('a.ts', text, 'A', ['b.x', 'd.x'], { sorted: true });
    expect(edits.stringArrayValues('a.ts', once, 'A')).toEqual(['a.x', 'b.x', 'c.x', 'd.x']);
    expect(edits.addToStringArray('a.ts', once, 'A', ['b.x', 'd.x'], { sorted: true })).toBe(once);
    const appended = edits.addToStringArray('a.ts', text, 'A', ['0']);
    expect(edits.stringArrayValues('a.ts', appended, 'A')).toEqual(['a.x', 'c.x', '0']);
  });

  it('adds to an object literal inside a call, quoting keys that need it', () => {
    const text = "export const m = Object.freeze({\n  '0001_a': a,\n});\n";
    const out = edits.addToObject('m.ts', text, 'm', [{ key: '0002_b', value: 'b' }]);
    expect(edits.objectKeys('m.ts', out, 'm')).toEqual(['0001_a', '0002_b']);
    expect(out).toContain("'0002_b': b");
    expect(edits.addToObject('m.ts', out, 'm', [{ key: '0002_b', value: 'b' }])).toBe(out);
  });

  it('adds an import after the last one, once', () => {
    const text = "import { a } from './a';\n\nexport const x = a;\n";
    const out = edits.addImport('i.ts', text, "import { b } from './b';");
    expect(out).toBe("import { a } from './a';\nimport { b } from './b';\n\nexport const x = a;\n");
    expect(edits.addImport('i.ts', out, "import { b } from './b';")).toBe(out);
  });

  it('with sorted, places an import in module order among the ordered tail', () => {
    const text = [
      "import { router } from './pipeline/trpc';",
      "import { a } from './admin/a';",
      "import { m } from './mfa/m';",
      "import { s } from './system/s';",
      '',
    ].join('\n');
    const out = edits.addImport('r.ts', text, "import { i } from './invoices/i';", {
      sorted: true,
    });
    expect(out.split('\n').map((l) => /'\.\/(\w+)/.exec(l)?.[1])).toEqual([
      'pipeline',
      'admin',
      'invoices',
      'mfa',
      'system',
      undefined,
    ]);
    const last = edits.addImport('r.ts', text, "import { w } from './webhooks/w';", {
      sorted: true,
    });
    expect(last.trimEnd().endsWith("import { w } from './webhooks/w';")).toBe(true);
  });

  it('adds an interface and a member of another, once', () => {
    const text = 'export interface Database {\n  a: A;\n}\n';
    const decl = { name: 'BTable', text: 'export interface BTable {\n  id: string;\n}\n' };
    const out = edits.addInterfaceMember(
      'd.ts',
      text,
      'Database',
      { key: 'b', type: 'BTable' },
      decl,
    );
    expect(edits.interfaceKeys('d.ts', out, 'Database')).toEqual(['a', 'b']);
    expect(edits.interfaceKeys('d.ts', out, 'BTable')).toEqual(['id']);
    expect(
      edits.addInterfaceMember('d.ts', out, 'Database', { key: 'b', type: 'BTable' }, decl),
    ).toBe(out);
  });

  it('refuses a list that is not where it should be, naming it', () => {
    expect(() => edits.addToStringArray('x.ts', 'const B = 1;', 'A', ['a'])).toThrow(
      /found no `const A`/,
    );
  });

  it('adds documented rows in sorted place and permissions to a role cell, once', () => {
    const md = '| action | recorded when |\n|---|---|\n| `a.x` | one |\n| `c.x` | three |\n\nend';
    const rows = [{ name: 'b.x', meaning: 'two' }];
    const out = addSortedTableRows(md, '| action | recorded when |', rows);
    expect(out).toContain('| `a.x` | one |\n| `b.x` | two |\n| `c.x` | three |');
    expect(addSortedTableRows(out, '| action | recorded when |', rows)).toBe(out);
    const roles = '| viewer | `org:read` |\n| admin | member + `x` ([w](w.md)) |';
    const granted = appendToTableCell(
      appendToTableCell(roles, 'viewer', [{ permission: 'i:read' }]),
      'admin',
      [{ permission: 'i:any', note: 'all' }],
    );
    expect(granted).toBe(
      '| viewer | `org:read`, `i:read` |\n| admin | member + `x` ([w](w.md)), `i:any` (all) |',
    );
    expect(appendToTableCell(granted, 'viewer', [{ permission: 'i:read' }])).toBe(granted);
  });
});
