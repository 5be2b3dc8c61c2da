import { z } from 'zod';

/** Schemas several features share; each feature's own live in its file beside this one. */

/** A timestamp as every output carries it: ISO 8601, UTC. */
export const IsoDate = z.iso.datetime();

/** Input of procedures that take none: only `undefined` or an empty object. */
export const NoInput = z.strictObject({}).optional();

/** The answer of an act with nothing else to say. */
export const Ok = z.strictObject({ ok: z.literal(true) });
export type Ok = z.infer<typeof Ok>;

/** How many credentials (sessions, keys) an act revoked. */
export const RevokedCount = z.strictObject({ revoked: z.number().int().nonnegative() });

/** An opaque keyset cursor returned by list procedures. */
export const Cursor = z.string().regex(/^[A-Za-z0-9_-]{1,512}$/);
