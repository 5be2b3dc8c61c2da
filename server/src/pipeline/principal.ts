import type { Permission } from '@gatehouse/shared';

export type GlobalRole = 'user' | 'admin';

/**
 * An administrator acting as the principal's user through an impersonation session: the
 * principal is the user (their permissions, their data), the audit actor is the administrator.
 */
export interface PrincipalImpersonation {
  readonly adminId: string;
  /** Mutations were granted for this impersonation; step-up and secrets never are. */
  readonly allowWrites: boolean;
  readonly expiresAt: Date;
}

/** Who is calling, resolved once per request by the authenticators. */
export interface Principal {
  readonly kind: 'session' | 'apiKey' | 'jwt';
  readonly userId: string;
  readonly email: string;
  readonly role: GlobalRole;
  /** Effective global permissions: the role's, narrowed by a key's scopes. */
  readonly permissions: ReadonlySet<Permission>;
  /** For API keys and JWTs: the granted scopes (before intersecting with the role). */
  readonly scopes: ReadonlySet<Permission> | undefined;
  readonly emailVerified: boolean;
  readonly sessionId: string | undefined;
  readonly apiKeyId: string | undefined;
  /** For API keys and JWTs bound to one org. */
  readonly orgId: string | undefined;
  readonly authLevel: 'password' | 'mfa' | undefined;
  /** Sessions: how the first factor was proven (`password`, `idp:<id>`, …; `auth_method`). */
  readonly authMethod?: string;
  /** When the session last verified a password or second factor. */
  readonly reauthenticatedAt: Date | undefined;
  /** Set when the session is an administrator's impersonation of this user. */
  readonly impersonation?: PrincipalImpersonation | undefined;
}
