import { describe, expect, it } from 'vitest';
import { appRouter } from '../../src/app-router';
import { isZodSchema } from '../../src/pipeline/is-zod-schema';
import { procedureCatalog } from '../../src/pipeline/procedure-catalog';

describe('procedure inputs', () => {
  it('every input that accepts {} also accepts no input (no "send an explicit {}")', () => {
    const needEmptyObject = procedureCatalog(appRouter)
      .filter((p) => {
        const inputs = p.inputs.filter(isZodSchema);
        expect(inputs).toHaveLength(p.inputs.length);
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
