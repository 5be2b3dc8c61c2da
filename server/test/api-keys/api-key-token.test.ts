import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { PERMISSIONS } from '@gatehouse/shared';
import { describe, expect, it } from 'vitest';
import { mintApiKey, parseApiKey } from '../../src/api-keys/api-key-token';
import { ORG_KEY_SCOPES } from '../../src/api-keys/org-key-scopes';
import { ORG_ROLE_PERMISSIONS } from '../../src/orgs/org-roles';
import { PERSONAL_PERMISSIONS } from '../../src/pipeline/global-roles';
import { credentialInQuery } from '../../src/http/credential-in-query';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const SCANNER = /\bgth_live_[a-z2-7]{16}_[a-z2-7]{59}\b/;

describe('API key format', () => {
  it('is gth_live_<16 id>_<52 secret><7 checksum>, with 256 bits of secret', () => {
    const { key, id, secretHash } = mintApiKey();
    expect(key).toMatch(SCANNER);
    const secret = key.slice(26, 78);
    expect(secret).toHaveLength(52); // 52 × 5 bits = 260 ≥ 256
    expect(secretHash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(parseApiKey(key)).toEqual({ id, secretHash });
  });

  it('ends in the CRC32 of everything before it, so a scanner can check a match offline', () => {
    const { key } = mintApiKey();
    const body = key.slice(0, -7);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc32(body) >>> 0);
    // Base32 of the 4 checksum bytes, no padding: 7 characters.
    let bits = '';
    for (const byte of sum) bits += byte.toString(2).padStart(8, '0');
    bits = bits.padEnd(35, '0');
    let expected = '';
    for (let i = 0; i < 35; i += 5) expected += BASE32[Number.parseInt(bits.slice(i, i + 5), 2)];
    expect(key.slice(-7)).toBe(expected);
  });

  it('refuses every single-character change, wrong lengths, other prefixes and upper case', () => {
    const { key } = mintApiKey();
    for (let i = 9; i < key.length; i++) {
      if (key[i] === '_') continue;
      const other = key[i] === 'a' ? 'b' : 'a';
      expect(
        parseApiKey(`${key.slice(0, i)}${other}${key.slice(i + 1)}`),
        `position ${i}`,
      ).toBeUndefined();
    }
    for (const bad of [
      key.slice(0, -1),
      `${key}a`,
      key.replace('gth_live_', 'gth_test_'),
      key.toUpperCase(),
      ` ${key}`,
      '',
      'gth_live_',
    ]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('mints distinct ids and secrets; rotation keeps the id', () => {
    const keys = Array.from({ length: 200 }, () => mintApiKey());
    expect(new Set(keys.map((k) => k.id)).size).toBe(200);
    expect(new Set(keys.map((k) => k.key)).size).toBe(200);
    const rotated = mintApiKey(keys[0]?.id);
    expect(rotated.id).toBe(keys[0]?.id);
    expect(rotated.key).not.toBe(keys[0]?.key);
  });
});

describe('credentials in the query string', () => {
  it('are recognised by name, whatever the case or value', () => {
    for (const q of [
      'api_key=x',
      'apikey=',
      'key=1',
      'token=t',
      'TOKEN=t',
      'input=%7B%7D&Api_Key=x',
      'access_token=a',
      'api-key=x',
      'jwt=x',
      'auth=x',
      'client_secret=x',
      'x.api.key=x',
    ])
      expect(credentialInQuery(q).refused, q).toBe(true);
    for (const q of ['', 'input=%7B%22key%22%3A1%7D', 'batch=1', 'keys=1', 'monkey=1'])
      expect(credentialInQuery(q).refused, q).toBe(false);
  });

  it('are recognised by shape under any name: a checksummed key, a JWT, a session token', () => {
    const { key } = mintApiKey();
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';
    const session = `${'a'.repeat(24)}.${'B'.repeat(43)}`;
    for (const [q, value] of [
      [`q=${key}`, key],
      [`input=${encodeURIComponent(JSON.stringify({ x: `Bearer ${key}` }))}`, key],
      [`a=${jwt}`, jwt],
      [`${session}=1`, session],
    ] as const) {
      const r = credentialInQuery(q);
      expect(r.refused, q).toBe(true);
      expect(
        r.found.map((c) => c.value),
        q,
      ).toEqual([value]);
    }
    // A mistyped key (checksum off) is not ours: nothing to refuse or revoke.
    const mistyped = `${key.slice(0, -1)}${key.endsWith('a') ? 'b' : 'a'}`;
    expect(credentialInQuery(`q=${mistyped}`)).toEqual({ refused: false, found: [] });
  });
});

describe('org-bound key scopes', () => {
  it('hold what org roles grant and self:read, nothing that acts outside the org', () => {
    // These, plus the permissions of each generated resource (org-role permissions all).
    const scopes = [...ORG_KEY_SCOPES];
    expect(scopes).toEqual(
      expect.arrayContaining([
        'member:manage',
        'member:read',
        'org:manage',
        'org:read',
        'project:delete',
        'project:read',
        'project:write',
        'project:write:any',
        'self:read',
        'webhook:manage',
      ]),
    );
    expect(scopes.filter((p) => p !== 'self:read' && !ORG_ROLE_PERMISSIONS.owner.has(p))).toEqual(
      [],
    );
    // Personal resources' permissions act outside every org by design (generated, --no-org).
    expect(PERSONAL_PERMISSIONS.filter((p) => ORG_KEY_SCOPES.has(p))).toEqual([]);
    const outside = PERMISSIONS.filter(
      (p) => !ORG_KEY_SCOPES.has(p) && !PERSONAL_PERMISSIONS.includes(p),
    );
    expect(outside).toEqual([
      'self:write',
      'session:manage',
      'apikey:manage',
      'org:create',
      'user:read',
      'user:manage',
      'audit:read',
    ]);
  });
});
