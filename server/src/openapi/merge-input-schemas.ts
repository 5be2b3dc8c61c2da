import type { JsonSchema } from './json-schema-collector';

function isPlainObjectSchema(s: JsonSchema): boolean {
  return (
    s.type === 'object' &&
    s.allOf === undefined &&
    s.anyOf === undefined &&
    s.oneOf === undefined &&
    s.$ref === undefined
  );
}

/**
 * The one input schema of a procedure built with several `.input()` calls
 * (org-scoped procedures add `{ orgId }` before their own input). tRPC runs
 * every parser on the whole raw input, so the caller must satisfy all of
 * them: `allOf` in general, folded into one object schema when the parts
 * are plain objects that agree, which generated clients handle far better.
 */
export function mergeInputSchemas(parts: readonly JsonSchema[]): JsonSchema {
  if (parts.length === 0) return {};
  if (parts.length === 1) return parts[0] as JsonSchema;
  if (!parts.every(isPlainObjectSchema)) return { allOf: [...parts] };
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  for (const part of parts) {
    for (const [name, schema] of Object.entries(
      (part.properties ?? {}) as Record<string, unknown>,
    )) {
      if (name in properties && JSON.stringify(properties[name]) !== JSON.stringify(schema))
        return { allOf: [...parts] };
      properties[name] = schema;
    }
    for (const name of (part.required ?? []) as string[]) required.add(name);
  }
  const strict = parts.filter((p) => p.additionalProperties === false);
  // A strict part that lacks a property another part needs makes the input unsatisfiable as one
  // object: say so exactly.
  const names = Object.keys(properties);
  if (strict.some((p) => names.some((name) => !Object.hasOwn(p.properties ?? {}, name))))
    return { allOf: [...parts] };
  return {
    type: 'object',
    properties,
    ...(required.size > 0 ? { required: [...required] } : {}),
    ...(strict.length > 0 ? { additionalProperties: false } : {}),
  };
}
