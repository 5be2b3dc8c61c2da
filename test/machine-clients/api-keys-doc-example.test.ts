import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/spawn-server';
import { signInUser } from '../support/sign-in-user';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';

const run = promisify(execFile);
const DOC = readFileSync(join(REPO_ROOT, 'docs', 'api-keys.md'), 'utf8');

/** The fenced block after `<!-- example: name -->`, as a reader would copy it. */
function example(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(
    DOC,
  );
  if (!m?.[1]) throw new Error(`docs/api-keys.md has no example "${name}"`);
  return m[1];
}

describe.each(DATABASE_KINDS)('docs/api-keys.md curl example runs as written (%s)', (kind) => {
  let user: Awaited<ReturnType<typeof signInUser>>;
  const t = useTestApp({ kind });
  beforeAll(async () => {
    user = await signInUser(t.url, `curl-doc-${kind}@example.com`);
  });

  it('calls with the key, trades it for a JWT, calls with that, reads JWKS', async () => {
    const { key } = await user.trpc.apiKeys.create.mutate({
      name: 'curl',
      scopes: ['self:read'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-api-keys-doc-'));
    try {
      const { stdout } = await run(
        'bash',
        ['-c', `set -euo pipefail\n${example('client-credentials')}`],
        {
          cwd: dir,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, GATEHOUSE: t.url, KEY: key },
        },
      );
      const lines = stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(3);
      for (const line of lines.slice(0, 2))
        expect(JSON.parse(line)).toMatchObject({
          result: { data: { user: { email: `curl-doc-${kind}@example.com` }, session: null } },
        });
      expect(JSON.parse(lines[2] ?? '')).toMatchObject({
        keys: [expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })],
      });
      expect(stdout).not.toContain(key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
