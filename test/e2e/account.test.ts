import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../server/src/audit/verify-audit-chain';
import { tokenFromMail } from '../support/mail-capture';
import { TEST_PASSWORD } from '../support/sign-in-user';
import { DATABASE_KINDS } from '../support/test-env';
import { createTestClient, refusal } from '../support/trpc-test-client';
import { useTestApp } from '../support/use-test-app';

const inAYear = (): string => new Date(Date.now() + 365 * 86_400_000).toISOString();

describe.each(DATABASE_KINDS)('account self-service (%s)', (kind) => {
  const t = useTestApp({ kind });
  const mail = () => {
    if (!t.mail) throw new Error('no mail capture');
    return t.mail;
  };
  const keyFor = async (
    client: Awaited<ReturnType<typeof t.signIn>>,
    scopes: ('self:read' | 'self:write')[] = ['self:read', 'self:write'],
  ) => {
    const created = await client.trpc.apiKeys.create.mutate({
      name: 'settings key',
      scopes,
      expiresAt: inAYear(),
    });
    return createTestClient(t.url, { headers: { authorization: `Bearer ${created.key}` } });
  };
  const staleStepUp = async (userId: string) => {
    await t.db
      .updateTable('sessions')
      .set({ reauthenticated_at: sql<Date>`now() - interval '11 minutes'` })
      .where('user_id', '=', userId)
      .execute();
    // The session cache holds the session as read before.
    await t.app.deps.sessions.forgetUser(userId);
  };

  it('updates the profile through the allow-list only, and reads it back', async () => {
    const user = await t.signIn('profile@example.com');
    const updated = await user.trpc.account.updateProfile.mutate({ name: '<script>x</script>' });
    expect(updated).toMatchObject({ email: 'profile@example.com', name: '<script>x</script>' });
    expect((await user.trpc.account.get.query()).name).toBe('<script>x</script>');
    // A field the schema does not name is refused, not stored.
    const sneaky = { name: 'Eve', role: 'admin' } as unknown as { name: string };
    expect(await refusal(user.trpc.account.updateProfile.mutate(sneaky))).toMatchObject({
      reason: 'VALIDATION_FAILED',
      httpStatus: 400,
    });
    const row = await t.db
      .selectFrom('users')
      .select(['role', 'name'])
      .where('id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'user', name: '<script>x</script>' });
    const audit = await t.db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'account.update_profile')
      .where('actor_id', '=', user.userId)
      .execute();
    expect(audit.map((a) => a.details)).toEqual([{ fields: ['name'] }]);
  });

  it('applies an email change when the new address confirms; the old one stops', async () => {
    const user = await t.signIn('old-address@example.com');
    await user.trpc.account.changeEmail.mutate({ newEmail: 'New-Address@Example.com' });
    const confirm = await mail().waitFor('new-address@example.com', /Confirm your new email/);
    const notice = await mail().waitFor('old-address@example.com', /is being changed/);
    expect(notice.text).toContain('new-address@example.com');
    // Nothing changed yet: the old address still signs in.
    const before = createTestClient(t.url);
    await before.trpc.auth.signIn.mutate({
      email: 'old-address@example.com',
      password: TEST_PASSWORD,
    });

    // The old address's "this wasn't me" token cannot confirm the change.
    expect(
      await refusal(
        t.client().trpc.account.confirmEmailChange.mutate({ token: tokenFromMail(notice) }),
      ),
    ).toMatchObject({ reason: 'TOKEN_INVALID', httpStatus: 400 });
    expect((await user.trpc.account.get.query()).email).toBe('old-address@example.com');

    const token = tokenFromMail(confirm);
    await t.client().trpc.account.confirmEmailChange.mutate({ token });
    const profile = await user.trpc.account.get.query();
    expect(profile).toMatchObject({ email: 'new-address@example.com', emailVerified: true });
    expect(
      await refusal(
        t
          .client()
          .trpc.auth.signIn.mutate({ email: 'old-address@example.com', password: TEST_PASSWORD }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    const after = await t
      .client()
      .trpc.auth.signIn.mutate({ email: 'new-address@example.com', password: TEST_PASSWORD });
    expect(after.status).toBe('signed_in');
    await mail().waitFor('old-address@example.com', /was changed/);
    // The link works once.
    expect(
      await refusal(t.client().trpc.account.confirmEmailChange.mutate({ token })),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
    // No address reached the audit log.
    const rows = await t.db
      .selectFrom('audit_events')
      .select(sql<string>`details::text`.as('d'))
      .where('action', 'like', 'account.%')
      .execute();
    for (const r of rows) expect(r.d).not.toMatch(/address@example/);
  });

  it('asks for step-up and a session; a taken address gets a note and no link', async () => {
    const user = await t.signIn('stepup-email@example.com');
    await t.signIn('taken@example.com');
    const key = await keyFor(user);
    expect(
      await refusal(key.trpc.account.changeEmail.mutate({ newEmail: 'elsewhere@example.com' })),
    ).toMatchObject({ reason: 'SESSION_REQUIRED', httpStatus: 403 });
    await staleStepUp(user.userId);
    expect(
      await refusal(user.trpc.account.changeEmail.mutate({ newEmail: 'elsewhere@example.com' })),
    ).toMatchObject({ reason: 'REAUTH_REQUIRED', httpStatus: 403 });
    await user.trpc.auth.reauthenticate.mutate({ password: TEST_PASSWORD });
    // The same answer for an address that has an account; its owner gets a note.
    expect(await user.trpc.account.changeEmail.mutate({ newEmail: 'taken@example.com' })).toEqual({
      accepted: true,
    });
    await mail().waitFor('taken@example.com', /tried to move an account/);
    const pending = await t.db
      .selectFrom('one_time_tokens')
      .select('purpose')
      .where('user_id', '=', user.userId)
      .where('purpose', 'in', ['email_change', 'email_change_revert'])
      .where('consumed_at', 'is', null)
      .execute();
    expect(pending).toEqual([]);
  });

  it('"this wasn\'t me" undoes the change, ends all credentials, locks for review', async () => {
    const user = await t.signIn('victim@example.com');
    const key = await keyFor(user);
    await user.trpc.account.changeEmail.mutate({ newEmail: 'attacker@example.com' });
    const confirm = await mail().waitFor('attacker@example.com', /Confirm your new email/);
    const notice = await mail().waitFor('victim@example.com', /is being changed/);
    await t.client().trpc.account.confirmEmailChange.mutate({ token: tokenFromMail(confirm) });
    expect((await key.trpc.auth.me.query()).user.email).toBe('attacker@example.com');

    await t.client().trpc.account.revertEmailChange.mutate({ token: tokenFromMail(notice) });
    const row = await t.db
      .selectFrom('users')
      .select(['email', 'lock_kind'])
      .where('id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ email: 'victim@example.com', lock_kind: 'review' });
    expect((await refusal(user.trpc.auth.me.query())).httpStatus).toBe(401);
    expect((await refusal(key.trpc.auth.me.query())).httpStatus).toBe(401);
    expect(
      await refusal(
        t
          .client()
          .trpc.auth.signIn.mutate({ email: 'victim@example.com', password: TEST_PASSWORD }),
      ),
    ).toMatchObject({ reason: 'ACCOUNT_LOCKED', httpStatus: 403 });
    expect(
      await refusal(
        t
          .client()
          .trpc.auth.signIn.mutate({ email: 'attacker@example.com', password: TEST_PASSWORD }),
      ),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
  });

  it('resends verification to the caller only while unverified; older links stop', async () => {
    const user = await t.signIn('unverified@example.com', { verified: false });
    const first = await mail().waitFor('unverified@example.com', /Confirm your email/);
    const seen = mail().messages.length;
    await user.trpc.account.resendVerification.mutate();
    const deadline = Date.now() + 5000;
    while (mail().messages.length === seen && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    const second = mail()
      .messages.slice(seen)
      .find((m) => m.to === 'unverified@example.com');
    expect(second?.subject).toMatch(/Confirm your email/);
    expect(
      await refusal(t.client().trpc.auth.verifyEmail.mutate({ token: tokenFromMail(first) })),
    ).toMatchObject({ reason: 'TOKEN_INVALID' });
    await t.client().trpc.auth.verifyEmail.mutate({ token: tokenFromMail(second!) });
    expect((await user.trpc.account.get.query()).emailVerified).toBe(true);
    const count = mail().messages.length;
    await user.trpc.account.resendVerification.mutate();
    await new Promise((r) => setTimeout(r, 100));
    expect(mail().messages.length).toBe(count);
  });

  it('refuses to delete the only owner of an org, naming it, and changes nothing', async () => {
    const owner = await t.signIn('sole-owner@example.com');
    const org = await owner.trpc.orgs.create.mutate({ name: 'Only Mine' });
    const refused = await refusal(owner.trpc.account.delete.mutate());
    expect(refused).toMatchObject({ reason: 'LAST_OWNER', httpStatus: 409 });
    expect(refused.message).toContain('Only Mine');
    expect(refused.message).toContain(org.id);
    expect((await owner.trpc.auth.me.query()).user.email).toBe('sole-owner@example.com');
    expect((await owner.trpc.account.get.query()).deletionDueAt).toBeNull();
    const key = await keyFor(owner);
    expect(await refusal(key.trpc.account.delete.mutate())).toMatchObject({
      reason: 'SESSION_REQUIRED',
    });
  });

  it('deletes after a grace period: revokes every credential now; sign-in cancels', async () => {
    const user = await t.signIn('leaving@example.com');
    const key = await keyFor(user);
    const other = await user.trpc.auth.me.query();
    expect(other.user.id).toBe(user.userId);
    const { deletionDueAt } = await user.trpc.account.delete.mutate();
    const days = (new Date(deletionDueAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);
    expect((await refusal(user.trpc.auth.me.query())).httpStatus).toBe(401);
    expect((await refusal(key.trpc.auth.me.query())).httpStatus).toBe(401);
    await mail().waitFor('leaving@example.com', /will be deleted/);
    // The sweep leaves it alone until the date.
    await t.app.runAccountJobs();
    expect(
      (
        await t.db
          .selectFrom('users')
          .select('erased_at')
          .where('id', '=', user.userId)
          .executeTakeFirstOrThrow()
      ).erased_at,
    ).toBeNull();
    const back = t.client();
    await back.trpc.auth.signIn.mutate({ email: 'leaving@example.com', password: TEST_PASSWORD });
    expect((await back.trpc.account.get.query()).deletionDueAt).toBeNull();
    await mail().waitFor('leaving@example.com', /will not be deleted/);
    // The revoked key stays revoked.
    expect((await refusal(key.trpc.auth.me.query())).httpStatus).toBe(401);
  });

  it('erases every trace but the opaque id; the audit chain still verifies', async () => {
    const owner = await t.signIn('org-owner-erasure@example.com');
    const org = await owner.trpc.orgs.create.mutate({ name: 'Shared Org' });
    const email = 'erase-me@example.com';
    const agent = 'Erasure-Test-Agent/7.3';
    const user = await t.signIn(email);
    const browser = createTestClient(t.url, { headers: { 'user-agent': agent } });
    await browser.trpc.auth.signIn.mutate({ email, password: TEST_PASSWORD });
    await browser.trpc.account.updateProfile.mutate({ name: 'Zebulon Quixote' });
    await browser.trpc.apiKeys.create.mutate({
      name: 'Zebulon laptop key',
      scopes: ['self:read'],
      expiresAt: inAYear(),
    });
    await t.db
      .insertInto('memberships')
      .values({ org_id: org.id, user_id: user.userId, role: 'member' })
      .execute();
    await browser.trpc.account.requestExport.mutate();
    await t.app.runAccountJobs();
    await mail().waitFor(email, /export is ready/);
    await browser.trpc.account.delete.mutate();
    await t.db
      .updateTable('users')
      .set({ deletion_due_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', user.userId)
      .execute();
    expect((await t.app.runAccountJobs()).erased).toBe(1);

    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.db);
    expect(tables.rows.length).toBeGreaterThan(10);
    const needles = [email, 'erase-me', 'Zebulon', 'Quixote', agent];
    for (const { table_name } of tables.rows) {
      const rows = await sql<{
        row: string;
      }>`select t::text as row from ${sql.table(table_name)} t`.execute(t.db);
      for (const { row } of rows.rows)
        for (const needle of needles)
          expect(row, `${table_name} holds ${needle}`).not.toContain(needle);
    }
    const tombstone = await t.db
      .selectFrom('users')
      .select(['email', 'name', 'lock_kind', 'erased_at'])
      .where('id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(tombstone).toMatchObject({ name: null, lock_kind: 'erased' });
    expect(tombstone.erased_at).not.toBeNull();
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
    const erasedRow = await t.db
      .selectFrom('audit_events')
      .select(['actor_type', 'outcome'])
      .where('action', '=', 'account.erase')
      .where('target_id', '=', user.userId)
      .executeTakeFirstOrThrow();
    expect(erasedRow).toEqual({ actor_type: 'system', outcome: 'success' });
    // The address is free again, and the old password opens nothing.
    expect(
      await refusal(t.client().trpc.auth.signIn.mutate({ email, password: TEST_PASSWORD })),
    ).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
    expect(
      (await owner.trpc.orgs.members.list.query({ orgId: org.id })).members.map((m) => m.userId),
    ).not.toContain(user.userId);
  });

  it("exports the caller's data once, off the request path, sealed at rest", async () => {
    const user = await t.signIn('exporter@example.com');
    const key = await keyFor(user, ['self:read']);
    expect(await refusal(key.trpc.account.requestExport.mutate())).toMatchObject({
      reason: 'SESSION_REQUIRED',
    });
    const requested = await user.trpc.account.requestExport.mutate();
    expect(requested.status).toBe('pending');
    expect(await refusal(user.trpc.account.requestExport.mutate())).toMatchObject({
      reason: 'RATE_LIMITED',
      httpStatus: 429,
    });
    await t.app.runAccountJobs();
    const ready = await mail().waitFor('exporter@example.com', /export is ready/);
    const stored = await t.db
      .selectFrom('data_exports')
      .select(['document', 'token_hash', 'status'])
      .where('id', '=', requested.id)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('ready');
    expect(stored.document).not.toContain('exporter@example.com');
    const token = tokenFromMail(ready);
    expect(Buffer.from(stored.token_hash ?? []).toString('base64url')).not.toBe(token);

    const doc = await t.client().trpc.account.downloadExport.mutate({ token });
    expect(doc.profile.email).toBe('exporter@example.com');
    expect(doc.sessions.length).toBeGreaterThan(0);
    expect(doc.apiKeys.map((k) => k.name)).toEqual(['settings key']);
    expect(doc.auditEvents.some((e) => e.action === 'account.export')).toBe(true);
    expect(JSON.stringify(doc)).not.toMatch(/secret_hash|argon2|"key":/);
    expect(await refusal(t.client().trpc.account.downloadExport.mutate({ token }))).toMatchObject({
      reason: 'TOKEN_INVALID',
    });
    const after = await t.db
      .selectFrom('data_exports')
      .select(['document', 'status'])
      .where('id', '=', requested.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ document: null, status: 'fetched' });
    const listed = await user.trpc.account.exports.query();
    expect(listed.exports[0]).toMatchObject({ id: requested.id, status: 'fetched' });
  });

  it('mails the owner about a new key, 2FA, sign-in from a new browser', async () => {
    const email = 'noticed@example.com';
    const user = await t.signIn(email);
    const count = (subject: RegExp) =>
      mail().messages.filter((m) => m.to === email && subject.test(m.subject)).length;
    // The first sign-in of an account is no "new device"; the helper signed in once.
    expect(count(/New sign-in/)).toBe(0);

    await user.trpc.apiKeys.create.mutate({
      name: 'ci key',
      scopes: ['self:read'],
      expiresAt: inAYear(),
    });
    expect((await mail().waitFor(email, /new API key/)).text).toContain('"ci key"');

    // The same browser again (it holds the device cookie): no notice.
    await user.trpc.auth.signOut.mutate();
    await user.trpc.auth.signIn.mutate({ email, password: TEST_PASSWORD });
    await new Promise((r) => setTimeout(r, 100));
    expect(count(/New sign-in/)).toBe(0);

    // Another browser: the owner is told where from.
    const elsewhere = createTestClient(t.url, { headers: { 'user-agent': 'Elsewhere/1.0' } });
    await elsewhere.trpc.auth.signIn.mutate({ email, password: TEST_PASSWORD });
    expect((await mail().waitFor(email, /New sign-in/)).text).toContain('Elsewhere/1.0');

    const setup = await user.trpc.mfa.totp.begin.mutate();
    const key = decodeBase32IgnorePadding(setup.secret);
    const code = generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000)), 6);
    await user.trpc.mfa.totp.confirm.mutate({ code });
    await mail().waitFor(email, /Two-factor authentication was turned on/);
  });

  it('hands an export to exactly one of two concurrent downloads', async () => {
    const user = await t.signIn('race-export@example.com');
    await user.trpc.account.requestExport.mutate();
    await t.app.runAccountJobs();
    const token = tokenFromMail(await mail().waitFor('race-export@example.com', /export is ready/));
    const results = await Promise.allSettled([
      t.client().trpc.account.downloadExport.mutate({ token }),
      t.client().trpc.account.downloadExport.mutate({ token }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('applies an email change for exactly one of two concurrent confirmations', async () => {
    const user = await t.signIn('race-email@example.com');
    await user.trpc.account.changeEmail.mutate({ newEmail: 'race-email-new@example.com' });
    const token = tokenFromMail(
      await mail().waitFor('race-email-new@example.com', /Confirm your new email/),
    );
    const results = await Promise.allSettled([
      t.client().trpc.account.confirmEmailChange.mutate({ token }),
      t.client().trpc.account.confirmEmailChange.mutate({ token }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await user.trpc.account.get.query()).email).toBe('race-email-new@example.com');
  });

  it('refuses the change, never drops the notice, once the old address is at its cap', async () => {
    const user = await t.signIn('flooded@example.com');
    // MAIL_PER_RECIPIENT_PER_HOUR (default 5) notices of this kind reach the address.
    for (const n of [1, 2, 3, 4, 5])
      await user.trpc.account.changeEmail.mutate({ newEmail: `junk-${n}@example.com` });
    const refused = await refusal(
      user.trpc.account.changeEmail.mutate({ newEmail: 'the-real-one@example.com' }),
    );
    expect(refused).toMatchObject({ reason: 'RECIPIENT_RATE_LIMITED', httpStatus: 429 });
    // No link for the refused change exists, and its address got nothing.
    await new Promise((r) => setTimeout(r, 100));
    expect(mail().messages.filter((m) => m.to === 'the-real-one@example.com')).toEqual([]);
    const live = await t.db
      .selectFrom('one_time_tokens')
      .select(sql<string>`data->>'to'`.as('to'))
      .where('user_id', '=', user.userId)
      .where('purpose', '=', 'email_change')
      .where('consumed_at', 'is', null)
      .execute();
    expect(live.map((r) => r.to)).toEqual(['junk-5@example.com']);
  });

  it('tells the caller when their verification mail is capped, rather than drop it', async () => {
    const user = await t.signIn('resend-cap@example.com', { verified: false });
    // The sign-up mail spent one of the five.
    for (const _ of [1, 2, 3, 4]) await user.trpc.account.resendVerification.mutate();
    expect(await refusal(user.trpc.account.resendVerification.mutate())).toMatchObject({
      reason: 'RECIPIENT_RATE_LIMITED',
      httpStatus: 429,
    });
  });
});
