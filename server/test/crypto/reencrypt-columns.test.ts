import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENCRYPTED_COLUMNS } from '../../src/crypto/encrypted-columns';
import { createKeyRing, type KeyRing, type KeyRingKey } from '../../src/crypto/key-ring';
import { reencryptColumns } from '../../src/crypto/reencrypt-columns';
import { exportAad } from '../../src/account/export-aad';
import { createAttemptLimiter } from '../../src/auth/attempt-limiter';
import { enqueueMail, mailAad, type MailDeps } from '../../src/mail/enqueue-mail';
import { savePendingTotp } from '../../src/mfa/mfa-queries';
import { openTotpKey, sealTotpKey } from '../../src/mfa/totp-secret';
import { loadSigningKeys, rotateSigningKey } from '../../src/oauth/signing-keys';
import {
  generateWebhookSecret,
  openWebhookSecrets,
  sealWebhookSecret,
} from '../../src/webhooks/webhook-secret';
import { runCli } from '../../../test/support/spawn-server';
import {
  createTestDatabase,
  type DatabaseKind,
  type TestDatabase,
} from '../../../test/support/test-database';
import { DATABASE_KINDS } from '../../../test/support/test-env';

/** The enqueue's dependencies with this ring and a cap no test here reaches. */
const mailDeps = (keyRing: KeyRing): MailDeps => ({
  keyRing,
  mailCap: createAttemptLimiter({
    prefix: 'test-mail',
    points: 1_000_000,
    windowSeconds: 3600,
    redis: undefined,
  }),
});

const k1: KeyRingKey = { id: 'k1', key: randomBytes(32) };
const k2: KeyRingKey = { id: 'k_2', key: randomBytes(32) };
const envKeys = (...keys: KeyRingKey[]): string =>
  keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
const MAILS = 23;
const EXPORT_DOCUMENT = JSON.stringify({ format: 'gatehouse.account-export', version: 1 });

interface Fixture {
  readonly t: TestDatabase;
  ciphertexts(): Promise<string[]>;
  /** Every feature reads its secret back with the given ring. */
  readAllWith(ring: KeyRing): Promise<void>;
}

/**
 * A fresh database per test holding secrets under k1, written through the
 * features' own code, so the registry's associated data is checked against theirs.
 */
function fixture(kind: DatabaseKind): Fixture {
  let t: TestDatabase | undefined;
  let userId = '';
  let kid = '';
  const totpKey = randomBytes(20);
  const endpointId = randomUUID();
  const webhookSecrets = [generateWebhookSecret(), generateWebhookSecret()];
  const db = () => f.t.handle.db;
  beforeEach(async () => {
    t = await createTestDatabase(kind);
    const old = createKeyRing([k1]);
    for (let i = 0; i < MAILS; i++)
      await enqueueMail(db(), mailDeps(old), 'test', {
        to: `u${i}@example.com`,
        subject: `s${i}`,
        text: `body ${i}`,
      });
    const user = await db()
      .insertInto('users')
      .values({ email: 'mfa@example.com', password_hash: 'x' })
      .returning('id')
      .executeTakeFirstOrThrow();
    userId = user.id;
    await savePendingTotp(db(), userId, sealTotpKey(old, userId, totpKey));
    kid = await rotateSigningKey(db(), old);
    const org = await db()
      .insertInto('orgs')
      .values({ name: 'webhooks' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('webhook_endpoints')
      .values({
        id: endpointId,
        org_id: org.id,
        url: 'https://hooks.example/',
        event_types: ['org.updated'],
        secret: sealWebhookSecret(old, endpointId, webhookSecrets[0] ?? ''),
        previous_secret: sealWebhookSecret(old, endpointId, webhookSecrets[1] ?? '', 'previous'),
        previous_secret_expires_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
    const exportId = randomUUID();
    await db()
      .insertInto('data_exports')
      .values({
        id: exportId,
        user_id: userId,
        status: 'ready',
        document: old.encrypt(EXPORT_DOCUMENT, exportAad(exportId)),
        expires_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
  });
  afterEach(async () => t?.destroy());
  const f: Fixture = {
    get t(): TestDatabase {
      if (!t) throw new Error('no database');
      return t;
    },
    ciphertexts: async () => [
      ...(await db().selectFrom('mail_outbox').select('payload').execute()).map((r) => r.payload),
      ...(await db().selectFrom('mfa_totp').select('secret').execute()).map((r) => r.secret),
      ...(await db().selectFrom('jwt_signing_keys').select('private_key').execute()).map(
        (r) => r.private_key,
      ),
      ...(
        await db().selectFrom('webhook_endpoints').select(['secret', 'previous_secret']).execute()
      ).flatMap((r) => [r.secret, r.previous_secret ?? '']),
      ...(await db().selectFrom('data_exports').select('document').execute()).map(
        (r) => r.document ?? '',
      ),
    ],
    readAllWith: async (ring) => {
      const mails = await db().selectFrom('mail_outbox').select(['id', 'payload']).execute();
      const subjects = mails.map(
        (m) => (JSON.parse(ring.decrypt(m.payload, mailAad(m.id))) as { subject: string }).subject,
      );
      expect(subjects.filter((s) => /^s\d+$/.test(s)).sort()).toEqual(
        Array.from({ length: MAILS }, (_, i) => `s${i}`).sort(),
      );
      const totp = await db()
        .selectFrom('mfa_totp')
        .select('secret')
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      expect(Buffer.from(openTotpKey(ring, userId, totp.secret))).toEqual(totpKey);
      const keys = await loadSigningKeys({ db: db(), ring, publishRetiredMs: 60_000 });
      expect(keys.current().kid).toBe(kid);
      const endpoint = await db()
        .selectFrom('webhook_endpoints')
        .select(['id', 'secret', 'previous_secret', 'previous_secret_expires_at'])
        .where('id', '=', endpointId)
        .executeTakeFirstOrThrow();
      expect(openWebhookSecrets(ring, endpoint, new Date())).toEqual(webhookSecrets);
      const exported = await db()
        .selectFrom('data_exports')
        .select(['id', 'document'])
        .executeTakeFirstOrThrow();
      expect(ring.decrypt(exported.document ?? '', exportAad(exported.id))).toBe(EXPORT_DOCUMENT);
    },
  };
  return f;
}

describe.each(DATABASE_KINDS)('keys reencrypt over every registered column (%s)', (kind) => {
  const f = fixture(kind);
  const db = () => f.t.handle.db;
  const ciphertexts = (): Promise<string[]> => f.ciphertexts();
  const readAllWith = (ring: KeyRing): Promise<void> => f.readAllWith(ring);

  it('moves every row from k1 to k2 in batches; afterwards k2 alone opens them all', async () => {
    expect((await ciphertexts()).every((c) => c.startsWith('v1.k1.'))).toBe(true);
    const results = await reencryptColumns(db(), createKeyRing([k2, k1]), ENCRYPTED_COLUMNS, {
      batchSize: 5,
    });
    expect(results.map((r) => [`${r.table}.${r.column}`, r.reencrypted, r.failed])).toEqual([
      ['mail_outbox.payload', MAILS, 0],
      ['mfa_totp.secret', 1, 0],
      ['jwt_signing_keys.private_key', 1, 0],
      ['webhook_endpoints.secret', 1, 0],
      ['webhook_endpoints.previous_secret', 1, 0],
      ['data_exports.document', 1, 0],
    ]);
    const after = await ciphertexts();
    expect(after).toHaveLength(MAILS + 5);
    expect(after.every((c) => c.startsWith('v1.k_2.'))).toBe(true);
    await readAllWith(createKeyRing([k2]));
    await expect(readAllWith(createKeyRing([k1]))).rejects.toThrow(/UNKNOWN_KEY/);
    // Nothing left to move.
    const again = await reencryptColumns(db(), createKeyRing([k2, k1]), ENCRYPTED_COLUMNS, {
      batchSize: 5,
    });
    expect(again.every((r) => r.reencrypted === 0 && r.failed === 0)).toBe(true);
  });

  it('does not take a key id that a LIKE pattern would match for the newest', async () => {
    const lookalike: KeyRingKey = { id: 'kx2', key: randomBytes(32) };
    const id =
      (await enqueueMail(db(), mailDeps(createKeyRing([lookalike])), 'test', {
        to: 'y@example.com',
        subject: 'y',
        text: 'y',
      })) ?? '';
    await reencryptColumns(db(), createKeyRing([k2, lookalike, k1]), ENCRYPTED_COLUMNS);
    const row = await db()
      .selectFrom('mail_outbox')
      .select('payload')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.payload).toMatch(/^v1\.k_2\./);
  });

  it('leaves and reports rows that no listed key opens, and still moves the rest', async () => {
    const stray =
      (await enqueueMail(
        db(),
        mailDeps(createKeyRing([{ id: 'k0', key: randomBytes(32) }])),
        'test',
        { to: 'x@example.com', subject: 'x', text: 'x' },
      )) ?? '';
    const before = await db()
      .selectFrom('mail_outbox')
      .select('payload')
      .where('id', '=', stray)
      .executeTakeFirstOrThrow();
    const results = await reencryptColumns(db(), createKeyRing([k2, k1]), ENCRYPTED_COLUMNS, {
      batchSize: 5,
    });
    expect(results[0]).toMatchObject({
      table: 'mail_outbox',
      reencrypted: MAILS,
      failed: 1,
      failedIds: [stray],
    });
    expect(
      await db()
        .selectFrom('mail_outbox')
        .select('payload')
        .where('id', '=', stray)
        .executeTakeFirstOrThrow(),
    ).toEqual(before);
    expect((await ciphertexts()).filter((c) => !c.startsWith('v1.k_2.'))).toEqual([before.payload]);
  });
});

describe.runIf(DATABASE_KINDS.includes('postgres'))(
  'pnpm gatehouse keys reencrypt (CLI, PostgreSQL)',
  () => {
    const f = fixture('postgres');
    const db = () => f.t.handle.db;
    it('`keys reencrypt` prints counts; exits 1 naming a row it cannot open', async () => {
      const cli = await runCli(['keys', 'reencrypt'], {
        DATABASE_URL: f.t.url,
        GATEHOUSE_ENCRYPTION_KEYS: envKeys(k2, k1),
      });
      expect(cli.stdout).toContain(`mail_outbox.payload: ${MAILS} re-encrypted\n`);
      expect(cli.stdout).toContain('mfa_totp.secret: 1 re-encrypted\n');
      expect(cli.stdout).toContain('jwt_signing_keys.private_key: 1 re-encrypted\n');
      expect(cli.stdout).toContain('data_exports.document: 1 re-encrypted\n');
      expect(cli.stdout).toContain('all secrets now under key "k_2"');
      expect(cli.code).toBe(0);
      await f.readAllWith(createKeyRing([k2]));

      const stray =
        (await enqueueMail(db(), mailDeps(createKeyRing([k1])), 'test', {
          to: 'late@example.com',
          subject: 'late',
          text: 'late',
        })) ?? '';
      // k1 already removed from the configuration: the late row cannot be moved.
      const refused = await runCli(['keys', 'reencrypt'], {
        DATABASE_URL: f.t.url,
        GATEHOUSE_ENCRYPTION_KEYS: envKeys(k2),
      });
      expect(refused.stderr).toContain(`1 row(s) of mail_outbox.payload open with no listed key`);
      expect(refused.stderr).toContain(stray);
      expect(refused.code).toBe(1);
    });
  },
);
