import { describe, expect, it } from 'vitest';
import { appRouter } from '../../src/app-router';
import { listProcedures } from '../../src/pipeline/assert-procedure-policies';

interface Parser {
  safeParse(value: unknown): { success: boolean };
}

describe('procedure inputs', () => {
  it('every input that accepts {} also accepts no input (no "send an explicit {}")', () => {
    const defs = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { inputs: readonly Parser[] } }
    >;
    const needEmptyObject = listProcedures(appRouter)
      .filter((p) => {
        const inputs = defs[p.path]?._def.inputs ?? [];
        return (
          inputs.length > 0 &&
          inputs.every((s) => s.safeParse({}).success) &&
          !inputs.every((s) => s.safeParse(undefined).success)
        );
      })
      .map((p) => p.path);
    expect(needEmptyObject).toEqual([]);
  });
});
