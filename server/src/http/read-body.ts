import type { IncomingMessage } from 'node:http';

export type ReadBodyResult =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly tooLarge: true }
  | { readonly ok: false; readonly tooLarge: false };

/**
 * Reads a request body up to `limit` bytes. A declared `Content-Length` over
 * the limit is refused before reading; a chunked body is counted as it
 * streams (Content-Length is not trusted when Transfer-Encoding is present).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<ReadBodyResult> {
  const declared = req.headers['content-length'];
  if (
    declared !== undefined &&
    req.headers['transfer-encoding'] === undefined &&
    Number(declared) > limit
  ) {
    req.resume();
    return Promise.resolve({ ok: false, tooLarge: true });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: ReadBodyResult): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        finish({ ok: false, tooLarge: true });
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void =>
      finish({ ok: true, body: Buffer.concat(chunks, size).toString('utf8') });
    const onError = (): void => finish({ ok: false, tooLarge: false });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}
