import type { Logger } from 'pino';
import type { AuditSink } from '../pipeline/audit-sink';

/**
 * The audit sink the features write to. Until the tamper-evident table lands
 * this records each event as a structured log line.
 */
export function createAuditSink(log: Logger): AuditSink {
  const audit = log.child({ channel: 'audit' });
  return {
    async append(_db, event) {
      audit.info({ audit: event }, event.action);
    },
  };
}
