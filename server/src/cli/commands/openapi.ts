import { appRouter } from '../../app-router';
import { buildOpenApiDocument } from '../../openapi/build-openapi-document';
import { VERSION } from '../../version';
import { writeOutputFile } from '../../operator/write-output-file';
import type { CliCommand } from '../cli-command';

/**
 * `gatehouse openapi [--out file]`: the document the server serves, without a server or a database.
 */
export const openapiCommand: CliCommand = {
  name: 'openapi',
  usage: 'openapi [--out <file>]',
  summary: 'print (or write) the OpenAPI 3.1 document of every procedure',
  help:
    'Generates the document the server serves at GET /openapi.json ' +
    '(servers: PUBLIC_URL when set) and prints it, or writes it to <file> with --out.',
  async run(args, { config, io }) {
    const i = args.indexOf('--out');
    const out = i === -1 ? undefined : args[i + 1];
    const others = i === -1 ? args : args.filter((_, j) => j !== i && j !== i + 1);
    if ((i !== -1 && (!out || out.startsWith('-'))) || others.length > 0) {
      io.err('gatehouse openapi: usage: npx -y pnpm@10 gatehouse openapi [--out <file>]\n');
      return 2;
    }
    const servers = config.http.publicUrl ? [config.http.publicUrl] : [];
    const document = buildOpenApiDocument(appRouter, { version: VERSION, servers });
    const doc = `${JSON.stringify(document, null, 2)}\n`;
    if (out) {
      writeOutputFile(out, doc);
      io.err(`wrote ${out}\n`);
    } else io.out(doc);
    return 0;
  },
};
