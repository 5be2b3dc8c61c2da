import type { ZodType } from 'zod';

/**
 * Whether a tRPC parser is a zod 4 schema (tRPC also accepts plain functions and other libraries).
 */
export function isZodSchema(parser: unknown): parser is ZodType {
  return typeof parser === 'object' && parser !== null && '_zod' in parser;
}
