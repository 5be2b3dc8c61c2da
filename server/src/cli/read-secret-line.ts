/** Reads the first line of standard input (a password piped in, never an argument). */
export async function readSecretLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stdin) {
    data += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    const nl = data.indexOf('\n');
    if (nl !== -1) return data.slice(0, nl).replace(/\r$/, '');
  }
  return data.replace(/\r?\n$/, '');
}
