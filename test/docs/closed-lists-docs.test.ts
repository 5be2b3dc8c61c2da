import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../server/src/audit/audit-actions';
import { SECURITY_EVENT_TYPES } from '../../server/src/observability/security-events';
import { REPO_ROOT } from '../support/spawn-server';

/** The first-column names of the table that follows `header` in a Markdown file. */
function tableNames(file: string, header: string): string[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const start = text.indexOf(header);
  expect(start, `${file} has the table headed "${header}"`).toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  for (const line of text.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const name = /^\| `([^`]+)` \|/.exec(line)?.[1];
    expect(name, `a row of ${file} names its entry in backticks: ${line}`).toBeDefined();
    names.push(name as string);
  }
  return names;
}

describe('closed lists and their documentation', () => {
  it('docs/audit-log.md documents exactly the audit actions, in order', () => {
    expect(tableNames('docs/audit-log.md', '| action | recorded when |')).toEqual([
      ...AUDIT_ACTIONS,
    ]);
  });

  it('docs/security-events.md documents exactly the security-event types', () => {
    expect(tableNames('docs/security-events.md', '| `type` | when |').sort()).toEqual(
      [...SECURITY_EVENT_TYPES].sort(),
    );
  });
});
