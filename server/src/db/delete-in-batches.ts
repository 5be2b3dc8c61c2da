/** Rows one retention delete may remove, so that no delete holds its locks for long. */
export const DELETE_BATCH = 10_000;

/**
 * Runs `deleteBatch` (which deletes at most `limit` rows) until a run deletes
 * fewer than `limit`; returns how many rows went in all.
 */
export async function deleteInBatches(
  deleteBatch: (limit: number) => Promise<{ numDeletedRows: bigint }>,
  limit = DELETE_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = Number((await deleteBatch(limit)).numDeletedRows);
    total += n;
    if (n < limit) return total;
  }
}
