// OWASP API3:2023 Broken Object Property Level Authorization — mass assignment and excessive data
// exposure.
import { toJSONSchema } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/src/app-router';
import { listProcedures } from '../../server/src/pipeline/assert-procedure-policies';
import { useTestApp } from '../support/use-test-app';
import { DATABASE_KINDS } from '../support/test-env';
import { refusal } from '../support/trpc-test-client';
import { twoOrgs, type TwoOrgs } from '../support/two-orgs';

/**
 * Output fields allowed to carry a secret: each is shown exactly once, to
 * its owner, at creation (TOTP enrolment, recovery codes, a new API key or
 * webhook signing secret).
 */
const SHOWN_ONCE = new Set([
  'mfa.totp.begin:secret',
  'mfa.totp.begin:uri',
  'mfa.totp.confirm:recoveryCodes',
  'mfa.recoveryCodes.regenerate:recoveryCodes',
  'apiKeys.create:key',
  'apiKeys.rotate:key',
  'webhooks.create:secret',
  'webhooks.rotateSecret:secret',
  'auth.signIn:challenge',
  // The same second-step challenge, from the other first factors.
  'auth.email.signInWithCode:challenge',
  'auth.email.signInWithLink:challenge',
  'auth.providers.callback:challenge',
  // WebAuthn options: a passkey challenge is a one-time token, shown once to the caller it is
  // bound to (session or browser), and stored only as its hash.
  'account.passkeys.registrationOptions:challenge',
  'account.passkeys.reauthenticationOptions:challenge',
  'auth.passkey.options:challenge',
  // Not secrets, but named like one (`pass…`): lists of passkeys' metadata, whose own schema
  // (PasskeyInfo, the export's entry) names no key, credential id or counter.
  'account.passkeys.list:passkeys',
  'account.downloadExport:passkeys',
]);
const SECRET_NAME = /pass(word)?|hash|secret|token|challenge|recovery|otp|^key$|cookie/i;

function propertyNames(schema: unknown, prefix = ''): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const names: string[] = [];
  for (const [k, v] of Object.entries(
    (s.properties as Record<string, unknown> | undefined) ?? {},
  )) {
    names.push(k, ...propertyNames(v, `${prefix}${k}.`));
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) {
    const child = s[key];
    if (Array.isArray(child)) for (const c of child) names.push(...propertyNames(c, prefix));
    else if (child && typeof child === 'object') names.push(...propertyNames(child, prefix));
  }
  return names;
}

describe('API3: no output schema can carry a secret', () => {
  it('no output schema has a password, hash, token or secret but fields shown once', () => {
    const offenders: string[] = [];
    const shownOnce: string[] = [];
    for (const p of listProcedures(appRouter)) {
      const output = p.output;
      const json = toJSONSchema(output as never, { io: 'output', unrepresentable: 'any' });
      for (const name of propertyNames(json)) {
        if (!SECRET_NAME.test(name)) continue;
        if (SHOWN_ONCE.has(`${p.path}:${name}`)) shownOnce.push(`${p.path}:${name}`);
        else offenders.push(`${p.path}: ${name}`);
      }
    }
    expect(offenders).toEqual([]);
    // The walk really reaches nested fields: it finds the fields that are shown once.
    expect(shownOnce).toEqual(
      expect.arrayContaining(['mfa.totp.begin:secret', 'mfa.totp.confirm:recoveryCodes']),
    );
  });

  it('every input schema is strict: unknown keys are refused, not ignored', () => {
    const loose: string[] = [];
    for (const p of listProcedures(appRouter)) {
      const inputs = p.inputs;
      const last = inputs[inputs.length - 1];
      const json = toJSONSchema(last as never, { io: 'input', unrepresentable: 'any' }) as {
        type?: string;
        additionalProperties?: unknown;
        anyOf?: { additionalProperties?: unknown }[];
      };
      const variants = json.anyOf ?? [json];
      for (const v of variants)
        if ((v as { type?: string }).type === 'object' && v.additionalProperties !== false)
          loose.push(p.path);
    }
    expect(loose).toEqual([]);
  });
});

describe.each(DATABASE_KINDS)('API3: mass assignment over HTTP (%s)', (kind) => {
  let cast: TwoOrgs;
  const t = useTestApp({ kind });
  beforeAll(async () => {
    cast = await twoOrgs(t, 'mass');
  });

  it('refuses role, ownerId, orgId and version in a project update; nothing changes', async () => {
    const { alice, orgA, orgB, projectA } = cast;
    const before = await t.database.handle.db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', projectA.id)
      .executeTakeFirstOrThrow();
    for (const extra of [
      { ownerId: cast.bob.userId },
      { orgId: orgB },
      { role: 'owner' },
      { version: 99 },
      { id: cast.projectB.id },
    ]) {
      const r = await refusal(
        alice.trpc.projects.update.mutate({
          orgId: orgA,
          id: projectA.id,
          version: projectA.version,
          patch: { name: 'x', ...extra },
        }),
      );
      expect(r).toMatchObject({ httpStatus: 400, reason: 'VALIDATION_FAILED' });
    }
    expect(
      await refusal(
        alice.trpc.projects.create.mutate({
          orgId: orgA,
          name: 'x',
          ownerId: cast.bob.userId,
        } as never),
      ),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
    // Beside the patch, too: the update's own input is strict.
    for (const extra of [
      { ownerId: cast.bob.userId },
      { role: 'owner' },
      { createdAt: '2000-01-01T00:00:00.000Z' },
    ]) {
      const input = {
        orgId: orgA,
        id: projectA.id,
        version: projectA.version,
        patch: { name: 'x' },
        ...extra,
      };
      expect(await refusal(alice.trpc.projects.update.mutate(input as never))).toMatchObject({
        httpStatus: 400,
        reason: 'VALIDATION_FAILED',
      });
    }
    const after = await t.database.handle.db
      .selectFrom('projects')
      .selectAll()
      .where('id', '=', projectA.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual(before);
  });

  it('refuses a role in sign-up and an admin flag in an org update', async () => {
    const res = await fetch(`${t.url}/trpc/auth.signUp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'mass-admin@example.com',
        password: 'a long enough passphrase',
        role: 'admin',
      }),
    });
    expect(res.status).toBe(400);
    expect(
      await t.database.handle.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'mass-admin@example.com')
        .executeTakeFirst(),
    ).toBeUndefined();
    expect(
      await refusal(
        cast.alice.trpc.orgs.update.mutate({
          orgId: cast.orgA,
          patch: { name: 'x', createdBy: cast.bob.userId } as never,
        }),
      ),
    ).toMatchObject({ reason: 'VALIDATION_FAILED' });
  });
});
