import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInUser } from '../support/sign-in-user';
import { REPO_ROOT } from '../support/spawn-server';
import { startTestApp, type TestApp } from '../support/test-app';

const DOC = readFileSync(join(REPO_ROOT, 'docs', 'webhooks.md'), 'utf8');

/** The fenced block after `<!-- example: name -->`, as a reader would copy it. */
function example(name: string): string {
  const m = new RegExp(`<!-- example: ${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(
    DOC,
  );
  if (!m?.[1]) throw new Error(`docs/webhooks.md has no example "${name}"`);
  return m[1];
}

describe('docs/webhooks.md Python receiver runs as written', () => {
  let t: TestApp;
  let python: ChildProcess | undefined;
  beforeAll(async () => {
    t = await startTestApp('pglite', { WEBHOOK_ALLOW_HOSTS: '127.0.0.1', WEBHOOK_POLL_MS: '20' });
  });
  afterAll(async () => {
    python?.kill();
    await t?.close();
  });

  it('verifies a real delivery and refuses a forged one', async () => {
    const alice = await signInUser(t.url, 'python-doc@example.com');
    const orgId = (await alice.trpc.orgs.create.mutate({ name: 'python org' })).id;
    // The endpoint needs the secret before the receiver starts: register, then point it
    // at the port.
    const created = await alice.trpc.webhooks.create.mutate({
      orgId,
      url: 'http://127.0.0.1:9/placeholder',
      eventTypes: ['project.created'],
    });
    const lines: string[] = [];
    python = spawn('python3', ['-c', example('python-receiver')], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        WEBHOOK_SECRET: created.secret,
        PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    python.stdout?.setEncoding('utf8');
    python.stdout?.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
    const waitFor = async (pattern: RegExp): Promise<string> => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = lines.find((l) => pattern.test(l));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`python printed: ${lines.join(' | ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const port = (await waitFor(/^listening on \d+$/)).split(' ')[2];
    await alice.trpc.webhooks.update.mutate({
      orgId,
      id: created.endpoint.id,
      patch: { url: `http://127.0.0.1:${port}/hooks` },
    });
    await alice.trpc.projects.create.mutate({ orgId, name: 'from python' });
    const line = await waitFor(/^verified /);
    const [delivery] = (
      await alice.trpc.webhooks.listDeliveries.query({ orgId, endpointId: created.endpoint.id })
    ).deliveries;
    expect(line).toBe(`verified project.created ${delivery?.eventId}`);
    expect(delivery?.status).toBe('succeeded');
    const forged = await fetch(`http://127.0.0.1:${port}/hooks`, {
      method: 'POST',
      headers: {
        'webhook-id': 'x',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      },
      body: '{"type":"project.deleted"}',
    });
    expect(forged.status).toBe(400);
    await waitFor(/^refused$/);
    expect(lines.filter((l) => l.startsWith('verified'))).toHaveLength(1);
  });
});
