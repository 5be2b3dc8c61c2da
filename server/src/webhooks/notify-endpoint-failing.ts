import type { Transaction } from 'kysely';
import type { Database } from '../db/database';
import { enqueueMail, type MailDeps } from '../mail/enqueue-mail';
import { setTenantSettings } from '../pipeline/tenant-scope';
import { findOrgName, listOrgAdminEmails } from './webhook-delivery-queries';

/**
 * Mails the org's owners and admins that an endpoint is failing, through the
 * mail outbox, in the worker's transaction. Memberships are under forced
 * row-level security, so the transaction is scoped to that one org first.
 */
export async function notifyEndpointFailing(
  trx: Transaction<Database>,
  mail: MailDeps,
  endpoint: { id: string; orgId: string; url: string },
): Promise<number> {
  await setTenantSettings(trx, '', [endpoint.orgId]);
  const admins = await listOrgAdminEmails(trx, endpoint.orgId);
  const org = await findOrgName(trx, endpoint.orgId);
  let sent = 0;
  for (const admin of admins) {
    const id = await enqueueMail(trx, mail, 'webhook_failing', {
      to: admin.email,
      subject: `A webhook endpoint of ${org?.name ?? 'your organization'} is failing`,
      text:
        `Deliveries to ${endpoint.url} (endpoint ${endpoint.id}) failed for 3 days and were ` +
        'given up; the endpoint is marked failing. Fix the receiver, then re-enable it with ' +
        'webhooks.update and redeliver what it missed with webhooks.redeliver.',
    });
    if (id) sent++;
  }
  return sent;
}
