import { z } from 'zod';

/** `system.version`: what is running. */
export const VersionInfo = z.strictObject({
  name: z.literal('gatehouse'),
  version: z.string(),
  node: z.string(),
});
export type VersionInfo = z.infer<typeof VersionInfo>;
