import { describe, expect, it } from 'vitest';
import { createRefusalQueue } from '../../src/http/refusal-queue';

const spin = (ms: number): void => {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy, as answering a refusal is
  }
};

/** Once every queued refusal has been answered (or skipped), on a fast machine or a slow one. */
const drained = async (queue: { readonly pending: number }): Promise<void> => {
  while (queue.pending > 0) await new Promise((r) => setImmediate(r));
};

describe('refusal queue', () => {
  it('answers in arrival order, later, and skips clients that have gone', async () => {
    const errors: unknown[] = [];
    const queue = createRefusalQueue((err) => errors.push(err));
    const answered: number[] = [];
    for (let i = 0; i < 5; i++)
      queue.push(
        () => i === 2,
        () => answered.push(i),
      );
    expect(answered).toEqual([]);
    expect(queue.pending).toBe(5);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(answered).toEqual([0, 1, 3, 4]);
    expect(queue.pending).toBe(0);
    expect(errors).toEqual([]);
  });

  it('yields to other work between slices, not answering a flood in one turn', async () => {
    const queue = createRefusalQueue(() => {}, 1);
    let answered = 0;
    for (let i = 0; i < 40; i++)
      queue.push(
        () => false,
        () => (spin(0.25), answered++),
      );
    // Work that becomes ready while the flood is being answered (as a probe's
    // request would): queued after the first slice, it runs before the next
    // one. A slice stops after 1 ms and each answer takes 0.25 ms, so
    // however slow the machine, the first slice cannot answer all 40.
    const seenAt = await new Promise<number>((resolve) => setImmediate(() => resolve(answered)));
    expect(seenAt).toBeGreaterThan(0);
    expect(seenAt).toBeLessThan(40);
    await drained(queue);
    expect(answered).toBe(40);
  });

  it('reports an answer that throws and goes on with the rest', async () => {
    const errors: unknown[] = [];
    const queue = createRefusalQueue((err) => errors.push(err));
    const answered: number[] = [];
    queue.push(
      () => false,
      () => answered.push(1),
    );
    queue.push(
      () => false,
      () => {
        throw new Error('socket gone');
      },
    );
    queue.push(
      () => false,
      () => answered.push(3),
    );
    await drained(queue);
    expect(answered).toEqual([1, 3]);
    expect(errors).toHaveLength(1);
    // and it still runs later refusals
    queue.push(
      () => false,
      () => answered.push(4),
    );
    await drained(queue);
    expect(answered).toEqual([1, 3, 4]);
  });
});
