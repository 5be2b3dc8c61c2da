import { z } from 'zod';

/** Input of procedures that take none: only `undefined` or an empty object. */
export const NoInput = z.strictObject({}).optional();

/** `system.version`: what is running. */
export const VersionInfo = z.strictObject({
  name: z.literal('gatehouse'),
  version: z.string(),
  node: z.string(),
});
export type VersionInfo = z.infer<typeof VersionInfo>;
