import http from 'node:http';

/**
 * A second client beside a load: one keep-alive connection calling `url`
 * back to back for `seconds`, then printing the latency percentiles as JSON.
 * Its own process, so the load generator's work is not in its numbers.
 */
const url = new URL(process.argv[2] ?? 'http://127.0.0.1:3000/trpc/system.version');
const seconds = Number(process.argv[3] ?? 5);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const samples: number[] = [];
let failures = 0;

function once(): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) samples.push(performance.now() - t0);
        else failures++;
        resolve();
      });
    });
    req.on('error', () => {
      failures++;
      resolve();
    });
  });
}

const deadline = performance.now() + seconds * 1000;
while (performance.now() < deadline) await once();
agent.destroy();
samples.sort((a, b) => a - b);
const at = (p: number): number =>
  samples[Math.min(samples.length - 1, Math.ceil((p / 100) * samples.length) - 1)] ?? NaN;
process.stdout.write(
  `${JSON.stringify({
    samples: samples.length,
    failures,
    p50Ms: at(50),
    p99Ms: at(99),
    maxMs: samples.at(-1) ?? NaN,
  })}\n`,
);
