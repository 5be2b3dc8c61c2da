import type { WebhookEventType } from '@gatehouse/shared';
import type { AuditEventInput } from '../pipeline/audit-sink';

/**
 * The audit action behind each webhook event type: the closed list. Only
 * successful events that carry an organization are delivered (to that
 * organization's endpoints). `api_key.revoke` carries no organization, so it
 * is not offered.
 */
export const AUDIT_ACTION_EVENT_TYPES: Readonly<Record<string, WebhookEventType>> = Object.freeze({
  'org.update': 'org.updated',
  'org.member.invite': 'org.member.invited',
  'org.member.join': 'org.member.joined',
  'org.member.set_role': 'org.member.role_changed',
  'org.member.remove': 'org.member.removed',
  'org.member.leave': 'org.member.left',
  'project.create': 'project.created',
  'project.update': 'project.updated',
  'project.delete': 'project.deleted',
  'api_key.create': 'api_key.created',
} satisfies Record<string, WebhookEventType>);

/** The webhook event an audit event becomes, or undefined when it is none. */
export function webhookEventTypeOf(
  event: AuditEventInput,
): { type: WebhookEventType; orgId: string } | undefined {
  if (event.outcome !== 'success' || event.orgId === undefined) return undefined;
  const type = AUDIT_ACTION_EVENT_TYPES[event.action];
  return type ? { type, orgId: event.orgId } : undefined;
}
