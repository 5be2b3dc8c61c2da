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
  /** For a peer: the Gatehouse row that must reach `atLeast` times its rate. */
  readonly peer?: { readonly gatehouse: string; readonly atLeast: number };
}
