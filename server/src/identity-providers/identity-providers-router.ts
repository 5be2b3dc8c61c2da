import {
  IdentityProviderList,
  IdentityRef,
  LinkedIdentityList,
  NoInput,
  Ok,
  ProviderCallbackInput,
  ProviderCallbackResult,
  ProviderRedirect,
  StartProviderInput,
} from '@gatehouse/shared';
import { procedure, publicProcedure } from '../pipeline/procedure';
import { router } from '../pipeline/trpc';
import { confirmLink, listMyIdentities, unlinkIdentity } from './manage-identities';
import { providerCallback } from './provider-callback';
import { providerOf, startProviderFlow } from './start-provider-sign-in';

/** Sign-in through identity providers (`auth.providers.*`, docs/sign-in-methods.md). */
export const providersRouter = router({
  list: publicProcedure
    .meta({ public: true, summary: 'The identity providers this server offers' })
    .input(NoInput)
    .output(IdentityProviderList)
    .query(({ ctx }) => ({
      providers: [...ctx.deps.identityProviders.values()].map(({ provider }) => ({
        id: provider.id,
        name: provider.name,
        type: provider.type,
      })),
    })),
  start: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        "Begin sign-in at an identity provider: the provider's URL to navigate to " +
        '(PKCE, state and nonce bound to this browser, 10 minutes)',
    })
    .input(StartProviderInput)
    .output(ProviderRedirect)
    .mutation(({ ctx, input }) =>
      startProviderFlow(ctx, providerOf(ctx.deps.identityProviders, input.provider), {
        returnTo: input.returnTo,
        intent: 'sign_in',
        userId: null,
      }),
    ),
  callback: publicProcedure
    .meta({
      public: true,
      rate: 'auth',
      summary:
        "Finish a provider sign-in with the callback page's query: a session (or MFA " +
        'challenge), a link, or link_required for an address that has an account',
    })
    .input(ProviderCallbackInput)
    .output(ProviderCallbackResult)
    .mutation(({ ctx, input }) =>
      providerCallback(ctx, providerOf(ctx.deps.identityProviders, input.provider), input),
    ),
});

/** The caller's linked identities (`account.identities.*`). */
export const identitiesRouter = router({
  list: procedure
    .meta({ permission: 'self:read', summary: 'Your linked identity-provider identities' })
    .input(NoInput)
    .output(LinkedIdentityList)
    .query(({ ctx }) => listMyIdentities(ctx, ctx.deps.identityProviders)),
  startLink: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary: 'Link an identity-provider identity to your account: the URL to navigate to',
    })
    .input(StartProviderInput)
    .output(ProviderRedirect)
    .mutation(({ ctx, input }) =>
      startProviderFlow(ctx, providerOf(ctx.deps.identityProviders, input.provider), {
        returnTo: input.returnTo,
        intent: 'link',
        userId: ctx.principal.userId,
      }),
    ),
  confirmLink: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary:
        'Link the identity a provider sign-in found for your address (link_required), ' +
        'now that you proved the account',
    })
    .input(NoInput)
    .output(Ok)
    .mutation(({ ctx }) => confirmLink(ctx)),
  unlink: procedure
    .meta({
      permission: 'self:write',
      rate: 'auth',
      stepUp: true,
      summary: 'Unlink an identity (never your last way to sign in)',
    })
    .input(IdentityRef)
    .output(Ok)
    .mutation(({ ctx, input }) => unlinkIdentity(ctx, input.id)),
});
