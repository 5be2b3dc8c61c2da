import { toJSONSchema } from 'zod';

export type JsonSchema = Record<string, unknown>;

export interface JsonSchemaCollector {
  /** The JSON Schema (2020-12, OpenAPI 3.1's dialect) a parser accepts (`input`) or produces (`output`). */
  schemaOf(parser: unknown, io: 'input' | 'output'): JsonSchema;
  /** Shared definitions lifted out of the schemas above, for `components.schemas`. */
  definitions(): Record<string, JsonSchema>;
}

/** Whether a tRPC parser is a zod 4 schema (tRPC also accepts plain functions and other libraries). */
function isZodSchema(parser: unknown): boolean {
  return typeof parser === 'object' && parser !== null && '_zod' in parser;
}

/**
 * Converts parsers with zod 4's own `toJSONSchema`. A schema that carries
 * `$defs` (recursive schemas, schemas registered with an `id`) has its
 * definitions moved to `components.schemas`: a `#/$defs/...` reference
 * embedded in an OpenAPI document would resolve against the document root
 * and point nowhere.
 */
export function createJsonSchemaCollector(): JsonSchemaCollector {
  const shared: Record<string, JsonSchema> = {};
  let anonymous = 0;

  function hoist(schema: JsonSchema, io: 'input' | 'output'): JsonSchema {
    const defs = schema.$defs as Record<string, JsonSchema> | undefined;
    delete schema.$defs;
    if (!defs) return schema;
    const renamed = new Map<string, string>();
    for (const [name, def] of Object.entries(defs)) {
      // Input and output shapes of one schema differ (defaults, transforms): keep both.
      let target = `${name.replace(/[^A-Za-z0-9._-]/g, '_')}${io === 'input' ? 'Input' : ''}`;
      const taken = shared[target];
      if (taken !== undefined && JSON.stringify(taken) !== JSON.stringify(def)) target = `${target}_${++anonymous}`;
      renamed.set(`#/$defs/${name}`, `#/components/schemas/${target}`);
      shared[target] = def;
    }
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (typeof value !== 'object' || value === null) return value;
      const out: JsonSchema = {};
      for (const [k, v] of Object.entries(value)) out[k] = k === '$ref' && typeof v === 'string' ? (renamed.get(v) ?? v) : rewrite(v);
      return out;
    };
    for (const name of renamed.values()) {
      const key = name.slice('#/components/schemas/'.length);
      shared[key] = rewrite(shared[key]) as JsonSchema;
    }
    return rewrite(schema) as JsonSchema;
  }

  return {
    schemaOf(parser, io) {
      if (!isZodSchema(parser)) return { description: 'Not described: this procedure does not validate with zod' };
      const json = toJSONSchema(parser as never, { io, unrepresentable: 'any' }) as JsonSchema;
      delete json.$schema;
      return hoist(json, io);
    },
    definitions: () => ({ ...shared }),
  };
}
