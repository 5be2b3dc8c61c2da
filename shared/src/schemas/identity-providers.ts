import { z } from 'zod';
import { SignedIn } from './auth';
import { IsoDate } from './common';

/** A provider id from IDENTITY_PROVIDERS. */
export const ProviderId = z.string().regex(/^[a-z0-9-]{1,32}$/);

export const IdentityProviderInfo = z.strictObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(['oidc', 'google', 'github']),
});
export const IdentityProviderList = z.strictObject({ providers: z.array(IdentityProviderInfo) });

/** `auth.providers.start` / `account.identities.startLink`. */
export const StartProviderInput = z.strictObject({
  provider: ProviderId,
  /** A path on your frontend to return to afterwards (anything else becomes `/`). */
  returnTo: z.string().max(512).optional(),
});
export type StartProviderInput = z.infer<typeof StartProviderInput>;

export const ProviderRedirect = z.strictObject({
  /** Send the browser here (a top-level navigation). */
  authorizationUrl: z.url(),
});

/** `auth.providers.callback`: what the provider appended to your callback page's URL. */
export const ProviderCallbackInput = z.strictObject({
  provider: ProviderId,
  /** `location.search` of the callback page: `?code=…&state=…` (and `iss` when sent). */
  search: z.string().min(1).max(4096),
});
export type ProviderCallbackInput = z.infer<typeof ProviderCallbackInput>;

export const ProviderCallbackResult = z.union([
  SignedIn.extend({ returnTo: z.string() }),
  z.strictObject({
    status: z.literal('mfa_required'),
    challenge: z.string(),
    expiresAt: IsoDate,
    returnTo: z.string(),
  }),
  z.strictObject({ status: z.literal('linked'), returnTo: z.string() }),
  z.strictObject({
    /**
     * The address has an account: prove it (sign in, in this browser), then
     * `account.identities.confirmLink` within 10 minutes.
     */
    status: z.literal('link_required'),
    email: z.string(),
    returnTo: z.string(),
  }),
]);
export type ProviderCallbackResult = z.infer<typeof ProviderCallbackResult>;

export const LinkedIdentity = z.strictObject({
  id: z.uuid(),
  provider: z.string(),
  providerName: z.string(),
  email: z.string().nullable(),
  createdAt: IsoDate,
  lastUsedAt: IsoDate.nullable(),
});
export const LinkedIdentityList = z.strictObject({ identities: z.array(LinkedIdentity) });
export const IdentityRef = z.strictObject({ id: z.uuid() });
