/**
 * Every action the audit log records: a closed list, so a typo or an
 * undocumented action fails to compile. docs/audit-log.md lists each with
 * its meaning; test/audit/audit-actions-doc.test.ts keeps the two equal.
 */
export const AUDIT_ACTIONS = [
  'admin.bootstrap',
  'admin.cli.create',
  'admin.cli.promote',
  'admin.user.lock',
  'admin.user.set_role',
  'admin.user.unlock',
  'api_key.create',
  'api_key.revoke',
  'api_key.revoke_exposed',
  'api_key.rotate',
  'api_key.use',
  'auth.change_password',
  'auth.reauthenticate',
  'auth.request_password_reset',
  'auth.reset_password',
  'auth.sign_in',
  'auth.sign_out',
  'auth.sign_up',
  'auth.verify_email',
  'authz.denied',
  'mfa.disable',
  'mfa.enable',
  'mfa.recovery_code_use',
  'mfa.recovery_codes_regenerate',
  'mfa.verify',
  'oauth.token',
  'org.create',
  'org.member.invite',
  'org.member.join',
  'org.member.leave',
  'org.member.remove',
  'org.member.set_role',
  'org.update',
  'project.create',
  'project.delete',
  'project.update',
  'session.revoke',
  'session.revoke_all',
  'session.revoke_exposed',
  'session.revoke_others',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
