import { toJSONSchema } from 'zod';
import { isZodSchema } from '../pipeline/is-zod-schema';

export type JsonSchema = Record<string, unknown>;

export interface JsonSchemaCollector {
  /**
   * The JSON Schema (2020-12, OpenAPI 3.1's dialect) a parser accepts (`input`) or produces
   * (`output`).
   */
  schemaOf(parser: unknown, io: 'input' | 'output', name?: string): JsonSchema;
  /** Shared definitions lifted out of the schemas above, for `components.schemas`. */
  definitions(): Record<string, JsonSchema>;
}

/** A name `components.schemas` accepts. */
function clean(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Converts parsers with zod 4's own `toJSONSchema`. A schema that carries
 * `$defs` (recursive schemas, schemas registered with an `id`) has its
 * definitions moved to `components.schemas`: a `#/$defs/...` reference
 * embedded in an OpenAPI document would resolve against the document root
 * and point nowhere. A schema that refers to itself (`"$ref": "#"`, a
 * recursive root) moves there whole, under `name`, for the same reason.
 */
export function createJsonSchemaCollector(): JsonSchemaCollector {
  const shared: Record<string, JsonSchema> = {};
  let anonymous = 0;

  function rewrite(value: unknown, renamed: ReadonlyMap<string, string>): unknown {
    if (Array.isArray(value)) return value.map((v) => rewrite(v, renamed));
    if (typeof value !== 'object' || value === null) return value;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(value))
      out[k] = k === '$ref' && typeof v === 'string' ? (renamed.get(v) ?? v) : rewrite(v, renamed);
    return out;
  }

  function hoist(schema: JsonSchema, io: 'input' | 'output', rootName: string): JsonSchema {
    const defs = (schema.$defs ?? {}) as Record<string, JsonSchema>;
    delete schema.$defs;
    const selfReferencing = JSON.stringify(schema).includes('"$ref":"#"');
    if (Object.keys(defs).length === 0 && !selfReferencing) return schema;
    // Input and output shapes of one schema differ (defaults, transforms): keep both.
    const suffix = io === 'input' ? 'Input' : '';
    const moves: [from: string, base: string, def: JsonSchema][] = Object.entries(defs).map(
      ([name, def]) => [
        `#/$defs/${name}`,
        // zod names unregistered definitions __schema0, __schema1...: name them after their
        // procedure instead.
        name.startsWith('__schema')
          ? `${rootName}_${name.slice('__schema'.length)}`
          : `${clean(name)}${suffix}`,
        def,
      ],
    );
    if (selfReferencing) moves.push(['#', rootName, schema]);
    const renamed = new Map<string, string>();
    const placed: [name: string, def: JsonSchema][] = [];
    for (const [from, base, def] of moves) {
      let name = base;
      while (shared[name] !== undefined && JSON.stringify(shared[name]) !== JSON.stringify(def))
        name = `${base}_${++anonymous}`;
      renamed.set(from, `#/components/schemas/${name}`);
      placed.push([name, def]);
    }
    for (const [name, def] of placed) shared[name] = rewrite(def, renamed) as JsonSchema;
    return selfReferencing ? { $ref: renamed.get('#') } : (rewrite(schema, renamed) as JsonSchema);
  }

  return {
    schemaOf(parser, io, name = 'Schema') {
      if (!isZodSchema(parser))
        return { description: 'Not described: this procedure does not validate with zod' };
      const json = toJSONSchema(parser, { io, unrepresentable: 'any' }) as JsonSchema;
      delete json.$schema;
      return hoist(json, io, clean(name));
    },
    definitions: () => ({ ...shared }),
  };
}
