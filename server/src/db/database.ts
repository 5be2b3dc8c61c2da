import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, never, never>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  name: string | null;
  password_hash: string;
  role: Generated<'user' | 'admin'>;
  email_verified_at: Date | null;
  locked_at: Date | null;
  /** Access tokens issued at or before this are dead (lock, demotion); never cleared. */
  tokens_revoked_at: ColumnType<
    Date | null,
    Date | string | null | undefined,
    Date | string | null
  >;
  mfa_enabled_at: Date | null;
  /** Why `locked_at` is set (0015): an admin lock, a ban, a review after "this wasn't me". */
  lock_kind: 'admin' | 'ban' | 'review' | 'erased' | null;
  /** A ban's written reason (shown to the admin, never to the user). */
  lock_reason: string | null;
  /** A ban's end: sign-in after it lifts the ban. */
  lock_expires_at: Date | null;
  locked_by: string | null;
  /** The owner asked to delete the account; it is erased after this unless they sign in. */
  deletion_due_at: Date | null;
  erased_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  secret_hash: Uint8Array;
  user_id: string;
  auth_level: Generated<'password' | 'mfa'>;
  /** How the first factor was proven (0018): password, email_link, email_code, idp:<id>, … */
  auth_method: Generated<string>;
  created_at: CreatedAt;
  last_used_at: Timestamp;
  reauthenticated_at: Timestamp;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
  /** The administrator impersonating the user through this session (0016); else null. */
  impersonator_id: string | null;
  /** The administrator's written reason; set exactly when `impersonator_id` is. */
  impersonation_reason: string | null;
  /** Whether mutations were granted for this impersonation (read-only by default). */
  impersonation_writes: Generated<boolean>;
}

export interface OneTimeTokensTable {
  token_hash: Uint8Array;
  purpose: string;
  user_id: string | null;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: CreatedAt;
  expires_at: Date;
  consumed_at: Date | null;
}

export interface MailOutboxTable {
  id: Generated<string>;
  kind: string;
  to_address: string;
  payload: string;
  created_at: CreatedAt;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  sent_at: Date | null;
  last_error: string | null;
}

export interface MfaTotpTable {
  user_id: string;
  secret: string;
  enabled_at: Date | null;
  last_used_step: number | null;
  created_at: CreatedAt;
}

export interface MfaRecoveryCodesTable {
  code_hash: Uint8Array;
  user_id: string;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: string;
  occurred_at: Date;
  actor_type: 'user' | 'api_key' | 'system' | 'anonymous';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  org_id: string | null;
  ip: string | null;
  request_id: string | null;
  outcome: 'success' | 'failure' | 'denied';
  details: ColumnType<Record<string, unknown>, string, never>;
  prev_hash: Uint8Array;
  hash: Uint8Array;
  /** The impersonated user, on a row written during an impersonation (0016); else null. */
  on_behalf_of: ColumnType<string | null, string | null | undefined, never>;
}

export interface AuditChainHeadTable {
  id: number;
  last_id: string;
  last_hash: Uint8Array;
}

export type OrgRole = 'owner' | 'admin' | 'member' | 'viewer';

export interface OrgsTable {
  id: Generated<string>;
  name: string;
  require_mfa: Generated<boolean>;
  /** Members must sign in through this provider (0020). */
  require_provider: string | null;
  /** Members' addresses must be in this domain (0020). */
  member_email_domain: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  org_id: string;
  user_id: string;
  role: OrgRole;
  created_at: CreatedAt;
}

export interface ProjectsTable {
  id: Generated<string>;
  org_id: string;
  owner_id: string | null;
  name: string;
  description: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  user_id: string;
  org_id: string | null;
  name: string;
  scopes: ColumnType<string[], string, string>;
  secret_hash: Uint8Array;
  previous_secret_hash: Uint8Array | null;
  previous_expires_at: Date | null;
  expires_at: Date;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** Whether the creating session had passed two-factor authentication. */
  created_with_mfa: Generated<boolean>;
  /** The creating session's sign-in method (sessions.auth_method), for org sign-in rules. */
  created_via: Generated<string>;
}

export interface JwtSigningKeysTable {
  kid: string;
  public_jwk: ColumnType<Record<string, unknown>, string, string>;
  private_key: string;
  created_at: CreatedAt;
  retired_at: Date | null;
}

export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  procedure: string;
  request_hash: Uint8Array;
  state: 'in_progress' | 'done';
  response: string | null;
  created_at: CreatedAt;
}

/** The first-administrator link (0013): at most one row; only SHA-256 of the token. */
export interface BootstrapTokensTable {
  id: ColumnType<number, number, never>;
  token_hash: Uint8Array;
  created_at: Timestamp;
  expires_at: Date;
  used_at: Date | null;
}

/** The tables Kysely knows about; each feature's migration adds its own. */
export interface WebhookEndpointsTable {
  id: Generated<string>;
  org_id: string;
  url: string;
  description: string | null;
  event_types: string[];
  /** Key-ring ciphertext (aad `webhook:<id>`). */
  secret: string;
  /**
   * Key-ring ciphertext (aad `webhook:<id>:previous`), valid until
   * `previous_secret_expires_at`.
   */
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  status: Generated<'active' | 'disabled' | 'failing'>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface WebhookDeliveriesTable {
  id: Generated<string>;
  org_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  payload: string;
  status: Generated<'pending' | 'succeeded' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  lease_until: Date | null;
  lease_token: string | null;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: CreatedAt;
}

export interface DataExportsTable {
  id: Generated<string>;
  user_id: string;
  status: Generated<'pending' | 'ready' | 'fetched' | 'failed'>;
  /** SHA-256 of the one-time download token, set when the document is ready. */
  token_hash: Uint8Array | null;
  /** The JSON document, sealed with the key ring. */
  document: string | null;
  created_at: CreatedAt;
  ready_at: Date | null;
  expires_at: Date | null;
  fetched_at: Date | null;
}

export interface UserIdentitiesTable {
  id: Generated<string>;
  user_id: string;
  /** The provider's id in IDENTITY_PROVIDERS. */
  provider: string;
  /** The provider's stable id of the person (`sub`, or GitHub's numeric id). */
  subject: string;
  email: string | null;
  email_verified: Generated<boolean>;
  created_at: CreatedAt;
  last_used_at: Date | null;
}

/** A passkey (WebAuthn credential) of an account (migrations/0019_passkeys.ts). */
export interface PasskeysTable {
  id: Generated<string>;
  user_id: string;
  /** The credential id, base64url, as the authenticator names it in assertions. */
  credential_id: string;
  /** The COSE public key. */
  public_key: Buffer;
  /** The last signature counter seen (bigint: read as a string or a number, by driver). */
  counter: ColumnType<string | number, number, number>;
  transports: ColumnType<string[], string, string>;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
  name: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  one_time_tokens: OneTimeTokensTable;
  mail_outbox: MailOutboxTable;
  orgs: OrgsTable;
  memberships: MembershipsTable;
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  jwt_signing_keys: JwtSigningKeysTable;
  mfa_totp: MfaTotpTable;
  audit_events: AuditEventsTable;
  audit_chain_head: AuditChainHeadTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  bootstrap_tokens: BootstrapTokensTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  data_exports: DataExportsTable;
  user_identities: UserIdentitiesTable;
  passkeys: PasskeysTable;
}
