/**
 * `gatehouse openapi | head`: when the reader closes the pipe, stop writing
 * and exit 0 without a stack, as Unix tools do.
 */
export function exitQuietlyOnBrokenPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
