/**
 * A problem the operator can fix, phrased as one sentence that says how.
 * Entry points print its message alone, without a stack.
 */
export class OperatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperatorError';
  }
}
