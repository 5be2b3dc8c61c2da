import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('webhook configuration', () => {
  it('parses WEBHOOK_ALLOW_HOSTS (lowercased, brackets stripped); https only in production', () => {
    const dev = loadConfig({ WEBHOOK_ALLOW_HOSTS: 'Hooks.Internal , [::1],127.0.0.1' });
    expect(dev.ok && dev.config.webhooks).toMatchObject({
      allowHosts: ['hooks.internal', '::1', '127.0.0.1'],
      requireHttps: false,
      retryForMs: 3 * 86_400_000,
    });
    const none = loadConfig({});
    expect(none.ok && none.config.webhooks.allowHosts).toEqual([]);
  });

  it('refuses a malformed host list without echoing it', () => {
    const bad = loadConfig({ WEBHOOK_ALLOW_HOSTS: 'http://x/y' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.join()).toMatch(/WEBHOOK_ALLOW_HOSTS/);
  });
});
