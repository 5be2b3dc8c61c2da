import { z } from 'zod';
import { NoInput } from '@gatehouse/shared';
import { AppError } from '../../src/pipeline/app-error';
import { procedure, publicProcedure } from '../../src/pipeline/procedure';
import { router } from '../../src/pipeline/trpc';
import { systemRouter } from '../../src/system/system-router';

const Echo = z.strictObject({ text: z.string().max(10) });
let aborted: ((reason: unknown) => void) | undefined;

/** Resolves when `t.waitForAbort` sees its signal abort. */
export function onAbortSeen(): Promise<unknown> {
  return new Promise((resolve) => {
    aborted = resolve;
  });
}

/** Every kind of answer tRPC's protocol has, behind Gatehouse's pipeline. */
export const protocolTestRouter = router({
  system: systemRouter,
  t: router({
    echo: publicProcedure
      .meta({ public: true })
      .input(Echo)
      .output(Echo)
      .query(({ input }) => input),
    none: publicProcedure
      .meta({ public: true })
      .input(NoInput)
      .output(z.strictObject({ got: z.boolean() }))
      .query(({ input }) => ({ got: input !== undefined })),
    // The paths patched in @trpc/server (patches/README.md; their golden answers are in
    // server/test/pipeline/trpc-patch-golden.test.ts): two inputs merged,
    // a middleware extending the context, the output validated and stripped.
    merged: publicProcedure
      .meta({ public: true })
      .input(z.strictObject({ a: z.string() }).passthrough())
      .input(z.object({ b: z.number() }))
      .use(({ next }) => next({ ctx: { extra: 'from-middleware' } }))
      .output(
        z.object({
          a: z.string(),
          b: z.number(),
          extra: z.string(),
          requestId: z.string().length(0),
        }),
      )
      .query(({ input, ctx }) => ({
        a: input.a,
        b: input.b,
        extra: ctx.extra,
        requestId: '',
        dropped: 'not in the output schema',
      })),
    add: publicProcedure
      .meta({ public: true })
      .input(z.strictObject({ a: z.number(), b: z.number() }))
      .output(z.strictObject({ sum: z.number() }))
      .mutation(({ input }) => ({ sum: input.a + input.b })),
    limited: publicProcedure
      .meta({ public: true })
      .input(NoInput)
      .output(z.strictObject({}))
      .query(() => {
        throw new AppError('RATE_LIMITED', { retryAfterSeconds: 7 });
      }),
    conflict: publicProcedure
      .meta({ public: true })
      .input(NoInput)
      .output(z.strictObject({}))
      .mutation(() => {
        throw new AppError('CONFLICT', { message: 'Already there' });
      }),
    plain: publicProcedure
      .meta({ public: true })
      .input(NoInput)
      .output(z.strictObject({}))
      .query(() => {
        throw new Error('connection to 10.0.0.5 refused: SELECT secret FROM keys');
      }),
    leaky: publicProcedure
      .meta({ public: true })
      .input(NoInput)
      .output(z.strictObject({ id: z.string() }))
      .query(() => ({ id: 'x', passwordHash: 'argon2id$' }) as unknown as { id: string }),
    mine: procedure
      .meta({ permission: 'self:read' })
      .input(NoInput)
      .output(z.strictObject({}))
      .query(() => ({})),
    waitForAbort: publicProcedure
      .meta({ public: true })
      .input(NoInput)
      .output(z.strictObject({}))
      .query(
        ({ signal }) =>
          new Promise<Record<string, never>>((resolve) => {
            signal?.addEventListener('abort', () => {
              aborted?.(signal.reason);
              resolve({});
            });
          }),
      ),
  }),
});
