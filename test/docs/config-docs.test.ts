import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvSchema } from '../../server/src/config/env-schema';
import { REPO_ROOT, runCli } from '../support/spawn-server';

describe('configuration documentation', () => {
  const variables = Object.keys(EnvSchema.shape);
  it('README and .env.example name every variable the server reads', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const example = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
    expect(variables.filter((v) => !readme.includes(`\`${v}\``))).toEqual([]);
    expect(variables.filter((v) => !new RegExp(`^#? ?${v}=`, 'm').test(example))).toEqual([]);
  });

  it('the CLI help lists every command the README mentions', async () => {
    const { stdout, code } = await runCli(['--help'], {});
    expect(code).toBe(0);
    for (const command of ['migrate', 'admin', 'audit', 'keys', 'jwt', 'openapi', 'procedures'])
      expect(stdout).toContain(`  ${command}`);
  });
});
