import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initTRPC, TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * Golden answers for every path patches/@trpc__server@11.25.2.patch edits
 * (patches/README.md): the input merge across `.input()` calls, the context
 * passed from middleware to middleware, the input, raw input and meta each
 * middleware gets, and the output validator's result. Each test states the
 * concrete value tRPC 11 is documented to produce, so a regression the
 * patch (or a re-made patch on an upgrade) introduces fails here; comparing
 * against tRPC itself cannot catch it, since every copy installed here is
 * the patched one (pnpm applies the patch to an npm alias too).
 */

interface Ctx {
  readonly base: string;
  readonly seen: string[];
}

const t = initTRPC.context<Ctx>().meta<{ label: string }>().create({ isServer: true });

function ctx(): Ctx {
  return { base: 'root', seen: [] };
}

describe('the installed @trpc/server', () => {
  it('is the patched 11.25.2 these answers are about', () => {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('@trpc/server/package.json'));
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe('11.25.2');
    const built = readdirSync(join(root, 'dist')).filter((f) => /^initTRPC-.*\.(mjs|cjs)$/.test(f));
    expect(built).toHaveLength(2);
    for (const file of built) {
      const text = readFileSync(join(root, 'dist', file), 'utf8');
      expect(text, file).toContain('Gatehouse patch (patches/README.md)');
      expect(text, file).toContain('{ ...opts.input, ...parsedInput }');
      expect(text, file).toContain('{ ...opts.ctx, ...nextOpts.ctx }');
      expect(text, file).toContain('return { ...result, data };');
    }
  });
});

describe('input merge across several .input() calls', () => {
  it('merges the parsed objects in order, the later parser winning a shared key', async () => {
    const proc = t.procedure
      .input(z.object({ a: z.string(), n: z.string().transform((s) => `first:${s}`) }))
      .input(z.object({ b: z.number(), n: z.string().transform((s) => `second:${s}`) }))
      .query(({ input }) => input);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    const result = await caller.proc({ a: 'x', b: 2, n: 'v', unknown: true } as never);
    expect(result).toStrictEqual({ a: 'x', n: 'second:v', b: 2 });
    expect(Object.keys(result)).toEqual(['a', 'n', 'b']);
  });

  it('copies own enumerable symbol keys and getter values, skips non-enumerable ones', async () => {
    const tag = Symbol('tag');
    const hidden = Symbol('hidden');
    const proc = t.procedure
      .input(z.object({ a: z.string() }))
      .input(
        z.object({ b: z.string() }).transform((v) => {
          const out: Record<string | symbol, unknown> = { b: v.b, [tag]: 'symbol value' };
          Object.defineProperty(out, 'computed', { get: () => 'from getter', enumerable: true });
          Object.defineProperty(out, 'secret', { value: 'not enumerable', enumerable: false });
          Object.defineProperty(out, hidden, { value: 'not enumerable', enumerable: false });
          return out;
        }),
      )
      .query(({ input }) => input as Record<string | symbol, unknown>);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    const result = await caller.proc({ a: 'x', b: 'y' });
    expect(Reflect.ownKeys(result)).toEqual(['a', 'b', 'computed', tag]);
    expect(result[tag]).toBe('symbol value');
    // Define semantics: the getter's value is copied as a plain data property.
    expect(Object.getOwnPropertyDescriptor(result, 'computed')).toEqual({
      value: 'from getter',
      writable: true,
      enumerable: true,
      configurable: true,
    });
  });

  it('defines an own "__proto__" key instead of setting the prototype', async () => {
    const proc = t.procedure
      .input(z.object({ a: z.string() }))
      .input(
        z
          .looseObject({})
          .transform((): Record<string, unknown> =>
            JSON.parse('{"__proto__":{"polluted":true},"b":1}'),
          ),
      )
      .query(({ input }) => input as Record<string, unknown>);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    const result = await caller.proc({ a: 'x' });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect((result as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(result)).toEqual(['a', '__proto__', 'b']);
  });

  it('lets a non-object parse result replace the input instead of merging', async () => {
    const proc = t.procedure
      .input(z.object({ a: z.string() }))
      // tRPC's types refuse a non-object after an object parser; the runtime rule is what
      // is pinned.
      .input(z.unknown().transform(() => 42) as unknown as z.ZodType<{ a?: string }>)
      .query(({ input }) => input as unknown);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    expect(await caller.proc({ a: 'x' })).toBe(42);
  });

  it('parses every .input() against the same raw input, unchanged by earlier parsers', async () => {
    const raws: unknown[] = [];
    const proc = t.procedure
      .input(z.object({ a: z.string().transform((s) => s.toUpperCase()) }))
      .use(async ({ getRawInput, next }) => {
        raws.push(await getRawInput());
        return next();
      })
      .input(z.object({ b: z.string() }))
      .query(({ input }) => input);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    const raw = { a: 'x', b: 'y' };
    expect(await caller.proc(raw)).toStrictEqual({ a: 'X', b: 'y' });
    expect(raws).toEqual([{ a: 'x', b: 'y' }]);
    expect(raw).toStrictEqual({ a: 'x', b: 'y' });
  });

  it('refuses with BAD_REQUEST when a later parser fails', async () => {
    const proc = t.procedure
      .input(z.object({ a: z.string() }))
      .input(z.object({ b: z.number() }))
      .query(({ input }) => input);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    const error = await caller.proc({ a: 'x', b: 'two' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
  });
});

describe('context passed across middlewares', () => {
  it('merges each next({ ctx }) over the context so far, later keys winning', async () => {
    const proc = t.procedure
      .use(({ next }) => next({ ctx: { a: 1, b: 'one' } }))
      .use(({ next }) => next({ ctx: { b: 'two', c: true } }))
      .use(({ next }) => next({ ctx: { a: 3 } }))
      .query(({ ctx: c }) => ({ ...c }));
    const base = ctx();
    const caller = t.createCallerFactory(t.router({ proc }))(base);
    expect(await caller.proc()).toStrictEqual({ base: 'root', seen: [], a: 3, b: 'two', c: true });
    // The caller's context object is never written to.
    expect(Object.keys(base)).toEqual(['base', 'seen']);
  });

  it('hands on the very same context object when next() adds nothing', async () => {
    const seen: unknown[] = [];
    const proc = t.procedure
      .use(({ ctx: c, next }) => {
        seen.push(c);
        return next();
      })
      .use(({ ctx: c, next }) => {
        seen.push(c);
        return next({});
      })
      .query(({ ctx: c }) => {
        seen.push(c);
        return 'ok';
      });
    const base = ctx();
    await t.createCallerFactory(t.router({ proc }))(base).proc();
    expect(seen).toHaveLength(3);
    for (const c of seen) expect(c).toBe(base);
  });

  it('gives a fresh object downstream when next({ ctx }) extends it', async () => {
    const seen: unknown[] = [];
    const proc = t.procedure
      .use(({ next }) => next({ ctx: { extra: 'x' } }))
      .query(({ ctx: c }) => {
        seen.push(c);
        return 'ok';
      });
    const base = ctx();
    await t.createCallerFactory(t.router({ proc }))(base).proc();
    expect(seen[0]).not.toBe(base);
    expect((seen[0] as Ctx).seen).toBe(base.seen);
  });
});

describe('what each middleware is called with', () => {
  it('gets meta, path, type, the input parsed so far and the raw input', async () => {
    const calls: unknown[] = [];
    const proc = t.procedure
      .meta({ label: 'golden' })
      .use(async ({ meta, path, type, input, getRawInput, next }) => {
        calls.push({ meta, path, type, input, raw: await getRawInput() });
        return next();
      })
      .input(z.object({ a: z.string().transform((s) => `${s}!`) }))
      .use(async ({ meta, path, type, input, getRawInput, next }) => {
        calls.push({ meta, path, type, input, raw: await getRawInput() });
        return next();
      })
      .mutation(({ input }) => input);
    const caller = t.createCallerFactory(t.router({ nested: t.router({ proc }) }))(ctx());
    expect(await caller.nested.proc({ a: 'x' })).toStrictEqual({ a: 'x!' });
    expect(calls).toStrictEqual([
      {
        meta: { label: 'golden' },
        path: 'nested.proc',
        type: 'mutation',
        input: undefined,
        raw: { a: 'x' },
      },
      {
        meta: { label: 'golden' },
        path: 'nested.proc',
        type: 'mutation',
        input: { a: 'x!' },
        raw: { a: 'x' },
      },
    ]);
  });

  it('next({ input }) replaces the input downstream; next() keeps it', async () => {
    const proc = t.procedure
      .input(z.object({ a: z.string() }))
      .use(({ next }) => next())
      .use(({ next }) => next({ input: { a: 'replaced', added: 1 } }))
      .query(({ input }) => input);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    expect(await caller.proc({ a: 'x' })).toStrictEqual({ a: 'replaced', added: 1 });
  });

  it('next({ getRawInput }) is what later input parsers read', async () => {
    const proc = t.procedure
      .use(({ next }) => next({ getRawInput: () => Promise.resolve({ a: 'swapped' }) }))
      .input(z.object({ a: z.string() }))
      .query(({ input }) => input);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    expect(await caller.proc({ a: 'original' })).toStrictEqual({ a: 'swapped' });
  });
});

describe('output validation', () => {
  it('answers the parsed output: unknown fields stripped, transforms applied', async () => {
    const proc = t.procedure
      .output(z.object({ id: z.string(), count: z.number().transform((n) => n * 10) }))
      .query(() => ({ id: 'p1', count: 4, passwordHash: 'argon2id$' }) as never);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    const result = await caller.proc();
    expect(result).toStrictEqual({ id: 'p1', count: 40 });
    expect(Object.keys(result)).toEqual(['id', 'count']);
  });

  it('sees a middleware that reads the result after next() get the parsed data', async () => {
    const results: unknown[] = [];
    const proc = t.procedure
      .use(async ({ next }) => {
        const r = await next();
        results.push(r.ok ? r.data : r.error.code);
        return r;
      })
      .output(z.object({ id: z.string() }))
      .query(() => ({ id: 'p1', extra: 'dropped' }) as never);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    expect(await caller.proc()).toStrictEqual({ id: 'p1' });
    expect(results).toStrictEqual([{ id: 'p1' }]);
  });

  it('turns an output that fails its schema into INTERNAL_SERVER_ERROR', async () => {
    const proc = t.procedure.output(z.object({ id: z.string() })).query(() => ({ id: 7 }) as never);
    const caller = t.createCallerFactory(t.router({ proc }))(ctx());
    const error = await caller.proc().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('INTERNAL_SERVER_ERROR');
    expect((error as TRPCError).message).toBe('Output validation failed');
  });
});
