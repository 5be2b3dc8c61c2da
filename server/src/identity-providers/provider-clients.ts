import * as oidc from 'openid-client';
import type { IdentityProviderConfig } from '../config/identity-providers';

/** One configured provider and its openid-client configuration (discovered once, lazily). */
export interface ProviderClient {
  readonly provider: IdentityProviderConfig;
  configuration(): Promise<oidc.Configuration>;
}

const isHttp = (url: string): boolean => new URL(url).protocol === 'http:';

/**
 * openid-client configurations for the configured providers. OIDC providers are discovered
 * from their issuer (the discovery result must name that issuer) on first use, and their ID
 * tokens' signatures are checked against the provider's JWKS (openid-client's
 * non-repudiation check; without it a token signed by any key would pass). Plain http is
 * allowed only where the config allowed it: loopback, outside production. A failed
 * discovery is retried on the next sign-in.
 */
export function createProviderClients(
  providers: readonly IdentityProviderConfig[],
): ReadonlyMap<string, ProviderClient> {
  const clients = new Map<string, ProviderClient>();
  for (const provider of providers) {
    let discovered: Promise<oidc.Configuration> | undefined;
    const configure = async (): Promise<oidc.Configuration> => {
      const metadata = { client_secret: provider.clientSecret, [oidc.clockTolerance]: 30 };
      if (provider.type === 'github') {
        const config = new oidc.Configuration(
          {
            issuer: provider.issuer,
            authorization_endpoint: `${provider.issuer}/login/oauth/authorize`,
            token_endpoint: `${provider.issuer}/login/oauth/access_token`,
          },
          provider.clientId,
          metadata,
          oidc.ClientSecretPost(provider.clientSecret),
        );
        if (isHttp(provider.issuer)) oidc.allowInsecureRequests(config);
        return config;
      }
      return oidc.discovery(
        new URL(provider.issuer),
        provider.clientId,
        metadata,
        oidc.ClientSecretBasic(provider.clientSecret),
        {
          execute: [
            oidc.enableNonRepudiationChecks,
            ...(isHttp(provider.issuer) ? [oidc.allowInsecureRequests] : []),
          ],
        },
      );
    };
    clients.set(provider.id, {
      provider,
      configuration: () => {
        discovered ??= configure().catch((err: unknown) => {
          discovered = undefined;
          throw err;
        });
        return discovered;
      },
    });
  }
  return clients;
}
