import type { GatehouseErrorData, ValidationIssue } from '@gatehouse/shared';
import type { TRPC_ERROR_CODE_NUMBER } from '@trpc/server';

/** The server's own error-data types (shared/src/error-data.ts), re-exported for the SDK. */
export type { GatehouseErrorData, ValidationIssue };

/** The JSON error envelope the server answers with. */
export interface GatehouseErrorShape {
  readonly code: TRPC_ERROR_CODE_NUMBER;
  readonly message: string;
  readonly data: GatehouseErrorData;
}
