import { spawnSync } from 'node:child_process';
import os from 'node:os';

/** Where and when a run happened, for RESULTS.md. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly os: string;
  readonly node: string;
  readonly wrk: string;
  readonly commit: string;
  readonly date: string;
}

export function machineInfo(node: string = process.version): MachineInfo {
  const cpus = os.cpus();
  const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node,
    wrk: `${wrk.stdout}${wrk.stderr}`.split('\n')[0]?.trim() ?? 'unknown',
    commit: commit.status === 0 ? commit.stdout.trim() : 'unknown',
    date: new Date().toISOString(),
  };
}
