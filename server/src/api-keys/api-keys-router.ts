import {
  ApiKeyList,
  ApiKeyRef,
  CreateApiKeyInput,
  CreatedApiKey,
  NoInput,
  Ok,
  RotateApiKeyInput,
} from '@gatehouse/shared';
import { procedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from './api-key-service';

/**
 * The caller's API keys. Creating or rotating one returns a secret, so it
 * needs a recently re-authenticated session (step-up): a key or JWT never
 * obtains a secret, and the new key holds no scope the caller lacks. A key
 * scoped `apikey:manage` may list and revoke its owner's keys.
 */
export const apiKeysRouter = router({
  create: procedure
    .meta({
      permission: 'apikey:manage',
      stepUp: true,
      returnsSecret: true,
      requireVerifiedEmail: true,
      summary: 'Create an API key (shown once); scopes within your own permissions',
    })
    .input(CreateApiKeyInput)
    .output(CreatedApiKey)
    .mutation(({ ctx, input }) => createApiKey(ctx, input)),
  list: procedure
    .meta({
      permission: 'apikey:manage',
      summary: 'Your API keys (never their secrets), with last use',
    })
    .input(NoInput)
    .output(ApiKeyList)
    .query(({ ctx }) => listApiKeys(ctx)),
  revoke: procedure
    .meta({ permission: 'apikey:manage', summary: 'Revoke one of your API keys at once' })
    .input(ApiKeyRef)
    .output(Ok)
    .mutation(({ ctx, input }) => revokeApiKey(ctx, input.id)),
  rotate: procedure
    .meta({
      permission: 'apikey:manage',
      stepUp: true,
      returnsSecret: true,
      requireVerifiedEmail: true,
      summary:
        'New secret for a key within your own permissions; ' +
        'the old one works for a grace period (≤ 7 days)',
    })
    .input(RotateApiKeyInput)
    .output(CreatedApiKey)
    .mutation(({ ctx, input }) => rotateApiKey(ctx, input.id, input.graceSeconds)),
});
