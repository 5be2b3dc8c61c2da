import type * as TypeScript from 'typescript';

/**
 * Insertions into the project's existing TypeScript files, located through
 * the compiler's syntax tree rather than by matching text, and idempotent:
 * an entry already present is left alone. Layout is Prettier's job afterwards.
 *
 * The compiler is passed in (loaded with a dynamic import by the command) so
 * that the production CLI bundle never loads TypeScript.
 */

export class SourceEditError extends Error {}

/** The edit functions, bound to a loaded compiler. */
export interface SourceEdits {
  /**
   * Adds string literals to the array `const name = [...]`: at the end, or each in sorted place
   * when `sorted` (the list must already be sorted).
   */
  addToStringArray(
    file: string,
    text: string,
    name: string,
    values: readonly string[],
    options?: { sorted?: boolean },
  ): string;
  /** Adds `key: value` to the object literal of `const name = ...({ ... })` when the key is new. */
  addToObject(
    file: string,
    text: string,
    name: string,
    entries: readonly { key: string; value: string }[],
  ): string;
  /**
   * Adds an import (or re-export) statement, unless its module is imported already: after the
   * last one, or with `sorted` in module order among the imports that are in order at the end.
   */
  addImport(file: string, text: string, statement: string, options?: { sorted?: boolean }): string;
  /** Adds `member` to `interface name`, and `declaration` before it, unless they are there. */
  addInterfaceMember(
    file: string,
    text: string,
    name: string,
    member: { key: string; type: string },
    declaration?: { name: string; text: string },
  ): string;
  /** The string values of the array literal `const name = [...]`. */
  stringArrayValues(file: string, text: string, name: string): string[];
  /** The keys of the object literal of `const name = ...({ ... })`. */
  objectKeys(file: string, text: string, name: string): string[];
  /** The member names of `interface name`. */
  interfaceKeys(file: string, text: string, name: string): string[];
}

export function sourceEdits(ts: typeof TypeScript): SourceEdits {
  function parse(file: string, text: string): TypeScript.SourceFile {
    return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  }

  function unwrap(node: TypeScript.Expression): TypeScript.Expression {
    let current = node;
    for (;;) {
      if (ts.isAsExpression(current) || ts.isSatisfiesExpression(current))
        current = current.expression;
      else if (ts.isParenthesizedExpression(current)) current = current.expression;
      else if (ts.isCallExpression(current) && current.arguments[0]) current = current.arguments[0];
      else return current;
    }
  }

  function initializerOf(source: TypeScript.SourceFile, name: string): TypeScript.Expression {
    let found: TypeScript.Expression | undefined;
    const visit = (node: TypeScript.Node): void => {
      if (found) return;
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name)
        found = node.initializer ? unwrap(node.initializer) : undefined;
      else ts.forEachChild(node, visit);
    };
    visit(source);
    if (!found) throw new SourceEditError(`${source.fileName}: found no \`const ${name}\``);
    return found;
  }

  function splice(text: string, at: number, insert: string): string {
    return text.slice(0, at) + insert + text.slice(at);
  }

  /**
   * Adds string literals to the array `const name = [...]`: at the end, or each in sorted place
   * when `sorted` (the list must already be sorted).
   */
  function addToStringArray(
    file: string,
    text: string,
    name: string,
    values: readonly string[],
    options: { sorted?: boolean } = {},
  ): string {
    let out = text;
    for (const value of values) {
      const array = initializerOf(parse(file, out), name);
      if (!ts.isArrayLiteralExpression(array))
        throw new SourceEditError(`${file}: \`${name}\` is not an array literal`);
      const literals = array.elements.filter(ts.isStringLiteral);
      if (literals.some((e) => e.text === value)) continue;
      const before = options.sorted ? literals.find((e) => e.text > value) : undefined;
      if (before) out = splice(out, before.getStart(), `'${value}',\n  `);
      else {
        const last = array.elements[array.elements.length - 1];
        out = last
          ? splice(out, last.getEnd(), `,\n  '${value}'`)
          : splice(out, array.getEnd() - 1, `'${value}'`);
      }
    }
    return out;
  }

  /** Adds `key: value` to the object literal of `const name = ...({ ... })` when the key is new. */
  function addToObject(
    file: string,
    text: string,
    name: string,
    entries: readonly { key: string; value: string }[],
  ): string {
    let out = text;
    for (const entry of entries) {
      const object = initializerOf(parse(file, out), name);
      if (!ts.isObjectLiteralExpression(object))
        throw new SourceEditError(`${file}: \`${name}\` is not an object literal`);
      const keyOf = (p: TypeScript.ObjectLiteralElementLike): string | undefined =>
        p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
      if (object.properties.some((p) => keyOf(p) === entry.key)) continue;
      const key = /^[A-Za-z_$][\w$]*$/.test(entry.key) ? entry.key : `'${entry.key}'`;
      const last = object.properties[object.properties.length - 1];
      out = last
        ? splice(out, last.getEnd(), `,\n  ${key}: ${entry.value}`)
        : splice(out, object.getEnd() - 1, `${key}: ${entry.value}`);
    }
    return out;
  }

  /** Adds an import (or re-export) statement after the last one, unless the same one is there. */
  function addImport(
    file: string,
    text: string,
    statement: string,
    options: { sorted?: boolean } = {},
  ): string {
    const source = parse(file, text);
    const moduleOf = (s: string): string | undefined => /from '([^']+)'/.exec(s)?.[1];
    const wanted = moduleOf(statement);
    const imports = source.statements.filter(
      (s) => ts.isImportDeclaration(s) || (ts.isExportDeclaration(s) && s.moduleSpecifier),
    );
    const modules = imports.map((s) => moduleOf(s.getText(source)) ?? '');
    if (wanted === undefined || modules.includes(wanted)) return text;
    if (options.sorted) {
      // Before the first later module from which the rest of the list is in order.
      const at = modules.findIndex(
        (m, i) =>
          m > wanted && modules.slice(i).every((x, j, rest) => j === 0 || rest[j - 1]! <= x),
      );
      const before = imports[at];
      if (before) return splice(text, before.getStart(source), `${statement}\n`);
    }
    const last = imports[imports.length - 1];
    return last ? splice(text, last.getEnd(), `\n${statement}`) : `${statement}\n${text}`;
  }

  /** Adds `member` to `interface name`, and `declaration` before it, unless they are there. */
  function addInterfaceMember(
    file: string,
    text: string,
    name: string,
    member: { key: string; type: string },
    declaration?: { name: string; text: string },
  ): string {
    let out = text;
    const find = (): TypeScript.InterfaceDeclaration => {
      const source = parse(file, out);
      const found = source.statements.find(
        (s): s is TypeScript.InterfaceDeclaration =>
          ts.isInterfaceDeclaration(s) && s.name.text === name,
      );
      if (!found) throw new SourceEditError(`${file}: found no \`interface ${name}\``);
      return found;
    };
    if (declaration) {
      const source = parse(file, out);
      const exists = source.statements.some(
        (s) => ts.isInterfaceDeclaration(s) && s.name.text === declaration.name,
      );
      if (!exists) out = splice(out, find().getFullStart(), `\n${declaration.text}`);
    }
    const target = find();
    const has = target.members.some(
      (m) => m.name !== undefined && ts.isIdentifier(m.name) && m.name.text === member.key,
    );
    if (!has) out = splice(out, target.getEnd() - 1, `  ${member.key}: ${member.type};\n`);
    return out;
  }

  /** The string values of the array literal `const name = [...]`. */
  function stringArrayValues(file: string, text: string, name: string): string[] {
    const array = initializerOf(parse(file, text), name);
    if (!ts.isArrayLiteralExpression(array)) return [];
    return array.elements.filter(ts.isStringLiteral).map((e) => e.text);
  }

  /** The keys of the object literal of `const name = ...({ ... })`. */
  function objectKeys(file: string, text: string, name: string): string[] {
    const object = initializerOf(parse(file, text), name);
    if (!ts.isObjectLiteralExpression(object)) return [];
    return object.properties.flatMap((p) =>
      p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : [],
    );
  }

  /** The member names of `interface name`. */
  function interfaceKeys(file: string, text: string, name: string): string[] {
    const source = parse(file, text);
    const found = source.statements.find(
      (s): s is TypeScript.InterfaceDeclaration =>
        ts.isInterfaceDeclaration(s) && s.name.text === name,
    );
    return (found?.members ?? []).flatMap((m) =>
      m.name && ts.isIdentifier(m.name) ? [m.name.text] : [],
    );
  }

  return {
    addToStringArray,
    addToObject,
    addImport,
    addInterfaceMember,
    stringArrayValues,
    objectKeys,
    interfaceKeys,
  };
}
