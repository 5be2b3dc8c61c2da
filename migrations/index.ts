import type { Migration } from 'kysely';
import * as m0001 from './0001_identity';
import * as m0002 from './0002_orgs_projects';
import * as m0003 from './0003_audit';
import * as m0004 from './0004_api_keys';
import * as m0005 from './0005_mfa';
import * as m0006 from './0006_idempotency';
import * as m0007 from './0007_token_revocation_indexes';
import * as m0008 from './0008_tenant_policies_uuid';
import * as m0009 from './0009_retention_indexes';
import * as m0010 from './0010_user_token_watermark';
import * as m0011 from './0011_audit_head_forward_only';
import * as m0012 from './0012_api_key_mfa_origin';
import * as m0013 from './0013_bootstrap_token';
import * as m0014 from './0014_webhooks';
import * as m0015 from './0015_account_lifecycle';
import * as m0016 from './0016_impersonation';
import * as m0017 from './0017_identities';
import * as m0018 from './0018_session_auth_method';
import * as m0019 from './0019_passkeys';
import * as m0020 from './0020_org_sign_in_policy';

/**
 * Every migration, by name, in order. Listed statically (rather than read from
 * the file system) so that the same list works under tsx, vitest and a bundle.
 */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_identity': m0001,
  '0002_orgs_projects': m0002,
  '0003_audit': m0003,
  '0004_api_keys': m0004,
  '0005_mfa': m0005,
  '0006_idempotency': m0006,
  '0007_token_revocation_indexes': m0007,
  '0008_tenant_policies_uuid': m0008,
  '0009_retention_indexes': m0009,
  '0010_user_token_watermark': m0010,
  '0011_audit_head_forward_only': m0011,
  '0012_api_key_mfa_origin': m0012,
  '0013_bootstrap_token': m0013,
  '0014_webhooks': m0014,
  '0015_account_lifecycle': m0015,
  '0016_impersonation': m0016,
  '0017_identities': m0017,
  '0018_session_auth_method': m0018,
  '0019_passkeys': m0019,
  '0020_org_sign_in_policy': m0020,
});
