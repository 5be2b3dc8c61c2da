/**
 * When a session stops working: the earlier of its absolute expiry (set at
 * sign-in) and its idle expiry (`idleMs` after its last recorded use). An
 * impersonation ends exactly at its time limit (`expires_at`), whatever the
 * idle setting says. The one place the rule lives; creating, validating and
 * listing all ask here.
 */
export function sessionExpiresAt(
  row: {
    readonly last_used_at: Date;
    readonly expires_at: Date;
    readonly impersonator_id: string | null;
  },
  idleMs: number,
): Date {
  const absolute = new Date(row.expires_at);
  if (row.impersonator_id !== null) return absolute;
  const idle = new Date(new Date(row.last_used_at).getTime() + idleMs);
  return idle < absolute ? idle : absolute;
}
