export { createGatehouseClient, type GatehouseClient } from './create-gatehouse-client';
export type {
  GatehouseClientOptions,
  GatehouseCredentials,
  HeadersOption,
} from './gatehouse-client-options';
export type { ClientCredentials } from './client-credentials-token-source';
export type { RetryPolicy } from './retry-policy';
export { DEFAULT_RETRY } from './retry-policy';
export { GatehouseError, isGatehouseError, type GatehouseErrorInit } from './gatehouse-error';
export type {
  GatehouseErrorData,
  GatehouseErrorShape,
  ValidationIssue,
} from './gatehouse-error-shape';
export { MAX_BATCH_ITEMS, MAX_URL_LENGTH } from './batch-limits';
export type { AppRouter } from './app-router';
export type { RouterInputs, RouterOutputs } from './router-types';
export {
  reauthenticateWithPasskey,
  registerPasskey,
  signInWithPasskey,
  verifyMfaWithPasskey,
} from './passkeys';
// Shared schemas, reasons and permissions, for client-side form validation.
export * from '@gatehouse/shared';
export {
  verifyWebhook,
  WebhookVerificationError,
  type WebhookEvent,
  type WebhookHeaders,
} from './verify-webhook';
