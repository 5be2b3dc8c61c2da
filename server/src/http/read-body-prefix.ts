import type { IncomingMessage } from 'node:http';

/**
 * The first `limit` bytes of a request body, for inspection only: resolves
 * when the body ends, when `limit` bytes have arrived, when the request
 * fails, or after `timeoutMs`, whichever comes first, with what arrived.
 * The rest of the body is left to the caller (drain or close).
 */
export function readBodyPrefix(
  req: IncomingMessage,
  limit: number,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', finish);
      req.off('error', finish);
      req.off('close', finish);
      req.pause();
      resolve(Buffer.concat(chunks, size).subarray(0, limit).toString('utf8'));
    };
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    req.on('data', onData);
    req.on('end', finish);
    req.on('error', finish);
    req.on('close', finish);
  });
}
