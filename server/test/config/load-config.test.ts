import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('applies defaults for an empty environment (development, embedded database)', () => {
    const result = loadConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.env).toBe('development');
    expect(result.config.isDev).toBe(true);
    expect(result.config.database.url).toBeUndefined();
    expect(result.config.database.dataDir).toBe('.gatehouse');
    expect(result.config.http.maxBatchSize).toBe(10);
    expect(Object.isFrozen(result.config)).toBe(true);
    expect(Object.isFrozen(result.config.http)).toBe(true);
  });

  it('reports every bad value at once, naming each variable, without echoing values', () => {
    const result = loadConfig({
      PORT: 'eighty',
      GATEHOUSE_ENV: 'staging',
      DATABASE_URL: 'mysql://secret-password@db',
      LOG_LEVEL: 'loud',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join('\n');
    expect(result.problems).toHaveLength(4);
    expect(text).toMatch(/^PORT must be a whole number from 1 to 65535$/m);
    expect(text).toMatch(/^GATEHOUSE_ENV must be one of development, test, production$/m);
    expect(text).toMatch(/^DATABASE_URL must be a postgres/m);
    expect(text).toMatch(
      /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent$/m,
    );
    expect(text).not.toContain('secret-password');
  });

  it('runs the production checks when a variable does not parse, skipping its own', () => {
    const result = loadConfig({
      GATEHOUSE_ENV: 'production',
      PORT: 'abc',
      CORS_ORIGINS: '*',
      GATEHOUSE_ENCRYPTION_KEYS: 'k1:short',
      TRUST_PROXY: '1',
      DATABASE_URL: 'postgres://db/g',
      METRICS_TOKEN: 'x'.repeat(40),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'PORT must be a whole number from 1 to 65535',
      'GATEHOUSE_ENCRYPTION_KEYS: key "k1" must be 32 bytes, base64-encoded',
      'production: CORS_ORIGINS must list exact origins, not "*"',
    ]);
  });

  it('says "required" only for a variable that is absent', () => {
    expect(loadConfig({ DATABASE_POOL_SIZE: 'many' })).toEqual({
      ok: false,
      problems: ['DATABASE_POOL_SIZE must be a whole number from 1 to 200'],
    });
    expect(loadConfig({ SESSION_CACHE: 'yes' })).toEqual({
      ok: false,
      problems: ['SESSION_CACHE must be one of 0, 1, true, false'],
    });
  });

  it('refuses unsafe production settings, naming each problem', () => {
    const result = loadConfig({
      GATEHOUSE_ENV: 'production',
      CORS_ORIGINS: '*',
      LOG_LEVEL: 'debug',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const text = result.problems.join('\n');
    expect(text).toContain('no TLS');
    expect(text).toContain('CORS_ORIGINS');
    expect(text).toContain('GATEHOUSE_ENCRYPTION_KEYS is required');
    expect(text).toContain('DATABASE_URL is required');
    expect(text).toContain('LOG_LEVEL=debug');
    expect(text).toContain('/metrics needs a guard');
    expect(result.problems).toHaveLength(6);
  });

  it('refuses the development encryption key in production', () => {
    const devKey = loadConfig({}).ok
      ? (loadConfig({}) as { ok: true; config: { encryptionKeys: readonly { key: Buffer }[] } })
          .config.encryptionKeys[0]!.key
      : Buffer.alloc(0);
    const result = loadConfig({
      GATEHOUSE_ENV: 'production',
      TRUST_PROXY: '1',
      DATABASE_URL: 'postgres://db/gatehouse',
      METRICS_TOKEN: 'x'.repeat(40),
      GATEHOUSE_ENCRYPTION_KEYS: `k1:${devKey.toString('base64')}`,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      'production: GATEHOUSE_ENCRYPTION_KEYS holds a development key',
    ]);
  });

  it('accepts a safe production configuration', () => {
    const result = loadConfig({
      GATEHOUSE_ENV: 'production',
      TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
      DATABASE_URL: 'postgres://db/gatehouse',
      METRICS_TOKEN: 'x'.repeat(40),
      CORS_ORIGINS: 'https://app.example.com',
      GATEHOUSE_ENCRYPTION_KEYS: [
        `k2:${Buffer.alloc(32, 7).toString('base64')}`,
        `k1:${Buffer.alloc(32, 3).toString('base64')}`,
      ].join(','),
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.encryptionKeys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(result.config.http.trustProxy?.cidrs).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(result.config.isDev).toBe(false);
  });

  it('rejects inexact CORS origins and malformed keys', () => {
    const result = loadConfig({
      CORS_ORIGINS: 'https://a.example.com/path',
      GATEHOUSE_ENCRYPTION_KEYS: 'k1:short',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.join('\n')).toContain('not an exact origin');
    expect(result.problems.join('\n')).toContain('must be 32 bytes');
  });
});
