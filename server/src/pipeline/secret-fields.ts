import { toJSONSchema } from 'zod';
import { isZodSchema } from './is-zod-schema';

/**
 * Output field names that mean "this response carries a credential": an API
 * key, a TOTP secret, recovery codes, a token or a password. (`challenge`,
 * the sign-in step's half of a proof, is not one: it is useless without the
 * second factor and is answered only to a correct password.)
 */
const SECRET_FIELD = /^key$|secret|token|password|recovery/i;

/**
 * The names of the fields in an output schema, at any depth, that look like
 * a secret. Start-up requires a procedure whose output has any of them to
 * declare `returnsSecret` (see assert-procedure-policies.ts).
 *
 * @example
 * secretFieldsOf(CreatedApiKey); // ['key']
 */
export function secretFieldsOf(schema: unknown): string[] {
  if (schema === undefined) return [];
  // Not zod: it cannot be read, so it cannot be cleared of carrying a secret.
  if (!isZodSchema(schema))
    throw new Error('secretFieldsOf: an output parser that is not a zod schema cannot be checked');
  const json = toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
  return [...new Set(propertyNames(json).filter((name) => SECRET_FIELD.test(name)))];
}

function propertyNames(schema: unknown): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const names: string[] = [];
  for (const [name, child] of Object.entries(
    (s.properties as Record<string, unknown> | undefined) ?? {},
  ))
    names.push(name, ...propertyNames(child));
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties', 'prefixItems']) {
    const child = s[key];
    if (Array.isArray(child)) for (const c of child) names.push(...propertyNames(c));
    else names.push(...propertyNames(child));
  }
  return names;
}
