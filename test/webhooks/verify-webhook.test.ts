import { verifyWebhook, WebhookVerificationError } from '@gatehouse/client';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook } from '../../server/src/webhooks/webhook-signature';
import { generateWebhookSecret } from '../../server/src/webhooks/webhook-secret';

const body = JSON.stringify({ id: 'evt', type: 'project.created', orgId: 'o' });

describe('verifyWebhook (client SDK)', () => {
  it('accepts what the standardwebhooks library signs, from Headers or a record', async () => {
    const secret = generateWebhookSecret();
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
    const now = new Date();
    const signature = new Webhook(secret).sign(id, now, body);
    const record = {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    };
    expect((await verifyWebhook(body, record, secret)).type).toBe('project.created');
    expect((await verifyWebhook(body, new Headers(record), secret)).type).toBe('project.created');
  });

  it('both libraries verify server signatures; during rotation either secret passes', async () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = { ...signWebhook('evt-1', ts, body, [newSecret, oldSecret]) };
    for (const s of [newSecret, oldSecret]) {
      expect((await verifyWebhook(body, headers, s)).orgId).toBe('o');
      expect(new Webhook(s).verify(body, { ...headers })).toMatchObject({ id: 'evt' });
    }
  });

  it('refuses a tampered body, a wrong secret, a stale timestamp and missing headers', async () => {
    const secret = generateWebhookSecret();
    const ts = Math.floor(Date.now() / 1000);
    const headers = { ...signWebhook('evt-2', ts, body, [secret]) };
    const code = async (p: Promise<unknown>): Promise<string | undefined> =>
      p.then(
        () => undefined,
        (e: unknown) => (e instanceof WebhookVerificationError ? e.code : String(e)),
      );
    expect(await code(verifyWebhook(`${body} `, headers, secret))).toBe('BAD_SIGNATURE');
    expect(await code(verifyWebhook(body, headers, generateWebhookSecret()))).toBe('BAD_SIGNATURE');
    expect(await code(verifyWebhook(body, { ...headers, 'webhook-id': 'evt-3' }, secret))).toBe(
      'BAD_SIGNATURE',
    );
    expect(await code(verifyWebhook(body, headers, secret, { nowSeconds: ts + 301 }))).toBe(
      'TIMESTAMP_OUT_OF_RANGE',
    );
    const stale = { ...signWebhook('evt-4', ts - 3600, body, [secret]) };
    expect(await code(verifyWebhook(body, stale, secret))).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(await code(verifyWebhook(body, { 'webhook-id': 'x' }, secret))).toBe('MISSING_HEADERS');
    expect(
      await code(
        verifyWebhook(body, { ...headers, 'webhook-signature': 'v1,AAAA v2,zzz' }, secret),
      ),
    ).toBe('BAD_SIGNATURE');
  });
});
