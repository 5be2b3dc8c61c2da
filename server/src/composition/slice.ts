/** One group of dependencies built by the composition root, with what releases it. */
export interface Slice<D> {
  readonly deps: D;
  close(): Promise<void> | void;
}

/** Slices in the order they were built; {@link SliceStack.close} closes them in reverse. */
export interface SliceStack {
  /** Keeps the slice for closing and returns its dependencies. */
  add<D>(slice: Slice<D>): D;
  /** Closes every slice added, last first; every one is tried, the first error is thrown. */
  close(): Promise<void>;
}

export function createSliceStack(): SliceStack {
  const slices: Slice<unknown>[] = [];
  return {
    add(slice) {
      slices.push(slice);
      return slice.deps;
    },
    async close() {
      let failure: { err: unknown } | undefined;
      for (const slice of slices.splice(0).reverse()) {
        try {
          await slice.close();
        } catch (err) {
          failure ??= { err };
        }
      }
      if (failure) throw failure.err;
    },
  };
}
