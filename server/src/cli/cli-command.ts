import type { Logger } from 'pino';
import type { Config } from '../config';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly stdin: NodeJS.ReadableStream;
}

/**
 * Whether standard input is a terminal a person types into (then secrets are prompted for, not read
 * as a line).
 */
export function isTerminal(stdin: NodeJS.ReadableStream): stdin is import('node:tty').ReadStream {
  return (stdin as { isTTY?: boolean }).isTTY === true;
}

export interface CliEnv {
  readonly config: Config;
  readonly log: Logger;
  readonly io: CliIo;
}

/** One `pnpm gatehouse <name>` command; returns the exit code. */
export interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly help: string;
  run(args: readonly string[], env: CliEnv): Promise<number>;
}
