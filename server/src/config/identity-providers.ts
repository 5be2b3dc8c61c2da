import { z } from 'zod';

/** One configured identity provider (docs/sign-in-methods.md#identity-providers). */
export interface IdentityProviderConfig {
  /** The path segment and the `provider` of procedures: `[a-z0-9-]{1,32}`. */
  readonly id: string;
  /**
   * `oidc`: any OpenID Connect issuer (discovery); `google`: the same with Google's issuer;
   * `github`: GitHub's OAuth 2.0 apps (not OIDC: the verified primary email from its API).
   */
  readonly type: 'oidc' | 'google' | 'github';
  readonly name: string;
  /** The issuer (OIDC) or the OAuth base URL (GitHub: https://github.com). */
  readonly issuer: string;
  /** GitHub only: the REST API base (https://api.github.com). */
  readonly apiBase: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  /** Lower-case email domains accepted from this provider; empty: any. */
  readonly allowedDomains: readonly string[];
  /** Where the provider sends the browser back: your frontend's callback page. */
  readonly redirectUri: string;
}

const Entry = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,32}$/, 'must be 1–32 of a-z, 0-9 and -'),
  type: z.enum(['oidc', 'google', 'github']),
  name: z.string().min(1).max(60).optional(),
  issuer: z.url().optional(),
  apiBase: z.url().optional(),
  clientId: z.string().min(1),
  /** The name of the environment variable that holds the client secret (never the secret). */
  clientSecretEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'must name an environment variable'),
  scopes: z
    .array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/))
    .max(20)
    .optional(),
  allowedDomains: z.array(z.string().min(1).max(253)).max(100).optional(),
  redirectUri: z.url().optional(),
});

const DEFAULTS = {
  google: { issuer: 'https://accounts.google.com', name: 'Google' },
  github: { issuer: 'https://github.com', name: 'GitHub' },
} as const;

const isLoopback = (url: URL): boolean =>
  url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';

/**
 * Reads IDENTITY_PROVIDERS (a JSON array) with each client secret from the environment
 * variable its entry names. Returns the providers, or every problem found (never a secret's
 * value). Issuers must be https, except on loopback outside production (tests).
 */
export function readIdentityProviders(
  raw: string | undefined,
  env: Readonly<Record<string, string>>,
  options: { readonly production: boolean; readonly publicBaseUrl: string },
): { providers: IdentityProviderConfig[]; problems: string[] } {
  if (raw === undefined) return { providers: [], problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { providers: [], problems: ['IDENTITY_PROVIDERS: must be a JSON array'] };
  }
  const parsed = z.array(Entry).max(20).safeParse(json);
  if (!parsed.success) {
    return {
      providers: [],
      problems: parsed.error.issues.map(
        (i) => `IDENTITY_PROVIDERS[${i.path.join('.')}]: ${i.message}`,
      ),
    };
  }
  const problems: string[] = [];
  const providers: IdentityProviderConfig[] = [];
  const seen = new Set<string>();
  for (const e of parsed.data) {
    const where = `IDENTITY_PROVIDERS (${e.id})`;
    if (seen.has(e.id)) problems.push(`${where}: the id is used twice`);
    seen.add(e.id);
    const preset = e.type === 'oidc' ? undefined : DEFAULTS[e.type];
    const issuer = e.issuer ?? preset?.issuer;
    if (!issuer) {
      problems.push(`${where}: an oidc provider needs its issuer`);
      continue;
    }
    const url = new URL(issuer);
    if (url.protocol !== 'https:' && (options.production || !isLoopback(url)))
      problems.push(
        `${where}: the issuer must be https (plain http only on loopback, not in production)`,
      );
    const secret = env[e.clientSecretEnv];
    if (!secret) problems.push(`${where}: ${e.clientSecretEnv} (its client secret) is not set`);
    providers.push({
      id: e.id,
      type: e.type,
      name: e.name ?? preset?.name ?? e.id,
      issuer,
      apiBase: e.type === 'github' ? (e.apiBase ?? 'https://api.github.com') : undefined,
      clientId: e.clientId,
      clientSecret: secret ?? '',
      scopes: e.scopes ?? (e.type === 'github' ? ['read:user', 'user:email'] : ['openid', 'email']),
      allowedDomains: (e.allowedDomains ?? []).map((d) => d.toLowerCase()),
      redirectUri: e.redirectUri ?? `${options.publicBaseUrl}/auth/callback/${e.id}`,
    });
  }
  return { providers, problems };
}
