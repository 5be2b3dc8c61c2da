import { AccountExport } from '@gatehouse/shared';
import { toJSONSchema } from 'zod';

/** The export document's JSON Schema, as docs/account-export.md carries it. */
export function accountExportJsonSchema(): string {
  return JSON.stringify(toJSONSchema(AccountExport, { io: 'output' }), null, 2);
}

/** docs/account-export.md: the prose and the generated schema (scripts/account-export-doc.ts). */
export function accountExportDoc(): string {
  return `# The account export

\`account.requestExport\` (a step-up session) asks for a copy of everything Gatehouse holds
about the caller. The document is built off the request path, sealed with the key ring
(\`data_exports.document\`, associated data \`export:<id>\`), and its link mailed to the
account's address: \`<PUBLIC_URL>/account-export?token=…\`. Your frontend passes the token to
\`account.downloadExport\`, which answers the document once, within an hour; the sealed copy is
cleared as it is taken, and an unused one when the hour is over. One request per user per
hour (\`RATE_LIMITED\` with \`Retry-After\`); \`account.exports\` lists the recent requests and
their state (\`pending\`, \`ready\`, \`fetched\`, \`failed\`).

\`\`\`ts
await client.account.requestExport.mutate(); // after auth.reauthenticate if REAUTH_REQUIRED
// … on the page the mailed link opens:
const token = new URLSearchParams(location.search).get('token') ?? '';
const doc = await client.account.downloadExport.mutate({ token });
\`\`\`

What it holds: the profile, the live sessions (address and client), the API keys' metadata
(never a secret or hash), the linked identity-provider identities, the org memberships, and
the audit events the user acted in (as themselves, through one of their keys, or through an
administrator impersonating them: \`onBehalfOf\`) or was the target of, newest first, at
most 10,000 (\`auditEventsTruncated\` says when there were more).

## JSON Schema

Generated from \`AccountExport\` in \`shared/src/schemas/account.ts\` by
\`npx tsx scripts/account-export-doc.ts\`; a test fails when this copy is stale.

\`\`\`json
${accountExportJsonSchema()}
\`\`\`
`;
}
