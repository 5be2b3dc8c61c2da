import type { Logger } from 'pino';
import type { AuditDeps, CredentialDeps, DatabaseDeps, SessionDeps } from '../app-deps';
import { createApiKeyAuthenticator } from '../api-keys/api-key-authenticator';
import { ApiKeyCache } from '../api-keys/api-key-cache';
import { createExposedApiKeyRevoker } from '../api-keys/exposed-api-key-revoker';
import { publicBaseUrl } from '../auth/base-url';
import type { Config } from '../config';
import type { KeyRing } from '../crypto/key-ring';
import { createExposedAccessTokenRevoker } from '../oauth/exposed-access-token-revoker';
import { createJwtAuthenticator } from '../oauth/jwt-authenticator';
import { loadSigningKeys, type SigningKeys } from '../oauth/signing-keys';
import type { TokenSettings } from '../oauth/access-token';
import { createTokenRevocations } from '../oauth/token-revocations';
import { basicAuthRefusal } from '../pipeline/basic-auth-refusal';
import type { Authenticator } from '../pipeline/authenticator';
import { createSessionAuthenticator } from '../sessions/session-authenticator';
import { combineRevokers, createExposedSessionRevoker } from '../sessions/exposed-session-revoker';
import type { RevocationBus } from '../sessions/revocation-bus';
import { credentialCacheTtlMs } from './credential-cache-ttl';
import type { Slice } from './slice';

/** What the OAuth token endpoint and JWKS route are built from (http-slice.ts). */
export interface OAuthParts {
  readonly apiKeys: Authenticator;
  readonly keys: SigningKeys;
  readonly settings: TokenSettings;
}

/**
 * Every way a caller is recognised (API key, JWT, session; HTTP Basic is
 * refused), the JWT signing keys and revocation list, and the revoker of
 * exposed credentials. Signing keys are reloaded every minute; revocations
 * from the database every 5 s (another instance's reach this one through the
 * bus at once: this covers Redis down or a missed message).
 */
export async function machineClientsSlice(options: {
  readonly config: Config;
  readonly log: Logger;
  readonly keyRing: KeyRing;
  readonly bus: RevocationBus;
  /** Whether revocations reach the other instances at once (Redis pub/sub). */
  readonly hasRedis: boolean;
  readonly database: DatabaseDeps;
  readonly audit: AuditDeps;
  readonly sessions: SessionDeps;
}): Promise<Slice<{ readonly credentials: CredentialDeps; readonly oauth: OAuthParts }>> {
  const { config, log, bus } = options;
  const { db } = options.database;
  const { audit, auditRefusals: refusals } = options.audit;
  const { sessions } = options.sessions;
  const cache = new ApiKeyCache(
    bus,
    credentialCacheTtlMs(config, options.database.database.kind, options.hasRedis),
  );
  const apiKeys = createApiKeyAuthenticator({ db, audit, log, refusals, cache });
  const keys = await loadSigningKeys({
    db,
    ring: options.keyRing,
    publishRetiredMs: (config.jwt.ttlSeconds + 60) * 1000,
  });
  const settings: TokenSettings = {
    issuer: publicBaseUrl(config),
    audience: `${publicBaseUrl(config)}/trpc`,
    ttlSeconds: config.jwt.ttlSeconds,
  };
  // Tokens live ttl (+30 s skew): revocations and locks older than that no longer matter.
  const tokenRevocations = createTokenRevocations({
    db,
    windowMs: (config.jwt.ttlSeconds + 60) * 1000,
    bus,
  });
  await tokenRevocations.refresh();
  const credentials: CredentialDeps = {
    authenticators: [
      apiKeys,
      createJwtAuthenticator({
        keys,
        settings,
        revocations: tokenRevocations,
        audit,
        db,
        refusals,
      }),
      createSessionAuthenticator(sessions),
      basicAuthRefusal,
    ],
    tokenRevocations,
    apiKeysChanged: (ids) => bus.publish({ apiKeyIds: ids }),
    exposedCredentialRevoker: combineRevokers([
      createExposedSessionRevoker({ sessions, audit, db }),
      createExposedApiKeyRevoker({ db, audit, tokenRevocations }),
      createExposedAccessTokenRevoker({ db, audit, keys, settings, tokenRevocations }),
    ]),
  };
  const keyRefresh = setInterval(() => void keys.refresh().catch(() => undefined), 60_000);
  keyRefresh.unref();
  const revocationRefresh = setInterval(
    () => void tokenRevocations.refresh().catch(() => undefined),
    5_000,
  );
  revocationRefresh.unref();
  return {
    deps: { credentials, oauth: { apiKeys, keys, settings } },
    close: () => {
      clearInterval(keyRefresh);
      clearInterval(revocationRefresh);
    },
  };
}
