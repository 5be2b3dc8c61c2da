import { TRPCError, type TRPCCombinedDataTransformer } from '@trpc/server';
import { isObject } from '../../pipeline/trpc-internals';

/** Each call's raw input, or the error every call that reads its input gets. */
export type CallInputs =
  | { readonly ok: true; readonly inputs: readonly unknown[] }
  | { readonly ok: false; readonly error: TRPCError };

/**
 * Splits a request's parsed input into its calls' inputs, as tRPC does: a
 * single call takes the whole input; a batch takes an object keyed by call
 * index (`{"0":…,"2":…}`), and anything else is refused.
 */
export function splitCallInputs(
  input: unknown,
  isBatch: boolean,
  count: number,
  transformer: TRPCCombinedDataTransformer,
): CallInputs {
  try {
    const inputs: unknown[] = new Array<unknown>(count);
    if (input === undefined) return { ok: true, inputs };
    if (!isBatch) {
      inputs[0] = transformer.input.deserialize(input);
      return { ok: true, inputs };
    }
    if (!isObject(input)) {
      return {
        ok: false,
        error: new TRPCError({
          code: 'BAD_REQUEST',
          message: '"input" needs to be an object when doing a batch call',
        }),
      };
    }
    for (let i = 0; i < count; i++) {
      const value = input[i];
      if (value !== undefined) inputs[i] = transformer.input.deserialize(value);
    }
    return { ok: true, inputs };
  } catch (cause) {
    // What tRPC answers when its transformer refuses an input.
    const error =
      cause instanceof TRPCError
        ? cause
        : new TRPCError({
            code: 'BAD_REQUEST',
            message: cause instanceof Error ? cause.message : 'Invalid input',
            cause,
          });
    return { ok: false, error };
  }
}
