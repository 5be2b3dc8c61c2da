import type { ReadStream } from 'node:tty';

/**
 * Asks for a secret on a terminal without echoing it (raw mode; Ctrl-C
 * aborts, Backspace edits). The prompt goes to `write` (standard error), so
 * standard output stays clean for scripts.
 */
export async function promptSecret(
  stdin: ReadStream,
  write: (text: string) => void,
  prompt: string,
): Promise<string> {
  write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      const onData = (chunk: Buffer | string): void => {
        for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') {
            stdin.off('data', onData);
            write('\n');
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            stdin.off('data', onData);
            write('\n');
            reject(new Error('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
          else if (ch >= ' ') value += ch;
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
