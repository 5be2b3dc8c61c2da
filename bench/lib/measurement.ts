import type { WrkResult } from './run-wrk';

/** One row of the results table. */
export interface Measurement {
  readonly id: string;
  readonly title: string;
  readonly kind: 'baseline' | 'reference' | 'scenario';
  readonly result: WrkResult;
  readonly callsPerRequest: number;
  /** For scenarios: the baseline the target is a share of. */
  readonly baseline?: 'raw' | 'raw-select' | 'tenant-floor';
  readonly target?: number;
}
