/**
 * The OpenAPI 3.1 document of every procedure, generated at run time from
 * the router (`procedureCatalog`, the same walk as the default-deny check)
 * and each procedure's zod parsers through zod 4's own `z.toJSONSchema`
 * (JSON Schema 2020-12 is OpenAPI 3.1's schema dialect). A procedure added
 * to the router appears here with nothing else to do.
 *
 * It describes the one wire format Gatehouse has, the one the TypeScript
 * client speaks: `GET /trpc/<path>?input=<url-encoded JSON>` for queries,
 * `POST /trpc/<path>` with a JSON body for mutations, `{"result":{"data":…}}`
 * on success, tRPC's error envelope with `error.data.reason` on failure.
 *
 * Why not a library (evaluated against this router):
 * - `trpc-to-openapi` needs `meta.openapi` on every procedure and serves the
 *   documented paths through its own REST handler: a second wire format,
 *   with its own parsing and error shapes, to secure and keep in step.
 * - `@trpc/openapi` (11.18.0-alpha) does model tRPC's envelope, but it reads
 *   the router's TypeScript types statically (peers: `typescript`,
 *   `@hey-api/openapi-ts`, and exactly `@trpc/server` 11.18.0 — we run
 *   11.25), so it sees neither our meta (public / permission / step-up →
 *   security) nor our reasons, and loses the zod checks that are not types
 *   (lengths, formats, patterns).
 * - Describing the fixed wire format directly takes one small module, no
 *   dependency, and the tests prove the result: it validates, and calls
 *   built only from it succeed and fail exactly as it says.
 */
import type { AnyRouter } from '@trpc/server';
import { isZodSchema } from '../pipeline/is-zod-schema';
import { procedureCatalog } from '../pipeline/procedure-catalog';
import { errorResponseComponents, errorResponsesFor } from './error-responses';
import { ERROR_SCHEMA } from './error-schema';
import { createJsonSchemaCollector, type JsonSchema } from './json-schema-collector';
import { mergeInputSchemas } from './merge-input-schemas';
import {
  CLIENT_BASIC_SCHEME,
  PLAIN_ENDPOINT_SCHEMAS,
  plainEndpointPaths,
} from './plain-endpoint-paths';
import { securityFor, SECURITY_SCHEMES } from './security-schemes';

export interface OpenApiOptions {
  readonly version: string;
  /** Server URLs to list (e.g. `PUBLIC_URL`); none means "where this document was fetched from". */
  readonly servers?: readonly string[];
}

/** Whether a call may omit the input (every parser accepts `undefined`). */
function inputIsOptional(parsers: readonly unknown[]): boolean {
  return parsers.every((parser) => {
    if (!isZodSchema(parser)) return false; // not a zod schema: say it is required
    try {
      return parser.safeParse(undefined).success;
    } catch {
      return false; // async refinements: say it is required
    }
  });
}

const DESCRIPTION = [
  'Every procedure of the Gatehouse tRPC router, as it is called on the wire:',
  '',
  '* a **query** is `GET /trpc/<procedure>?input=<URL-encoded JSON>` (omit `input` when the ' +
    'procedure takes none);',
  '* a **mutation** is `POST /trpc/<procedure>` with the input as a JSON body (`Content-Type: ' +
    'application/json` only);',
  '* a result is `{"result":{"data": <output>}}`;',
  '* an error is ' +
    '`{"error":{"message","code","data":{"reason","httpStatus","requestId",...}}}`: branch on ' +
    '`error.data.reason`.',
  '',
  'Cookie-authenticated mutations must send an allowed `Origin` (CSRF). API keys in the query ' +
    'string are refused.',
].join('\n');

/** Builds the document for every procedure in the router. */
export function buildOpenApiDocument(router: AnyRouter, options: OpenApiOptions): JsonSchema {
  const schemas = createJsonSchemaCollector();
  const paths: Record<string, JsonSchema> = {};
  const tags = new Set<string>();

  for (const p of procedureCatalog(router)) {
    if (p.type === 'subscription') continue; // refused at start-up; never served
    const parsers = p.inputs;
    const operationId = p.path.replace(/\./g, '_');
    const input = mergeInputSchemas(
      parsers.map((parser, i) =>
        schemas.schemaOf(
          parser,
          'input',
          `${operationId}_input${parsers.length > 1 ? String(i) : ''}`,
        ),
      ),
    );
    const required = parsers.length > 0 && !inputIsOptional(parsers);
    const output =
      p.output === undefined ? {} : schemas.schemaOf(p.output, 'output', `${operationId}_output`);
    const meta = p.meta;
    const isPublic = meta?.public === true;
    const tag = p.path.split('.')[0] ?? p.path;
    tags.add(tag);
    const operation: JsonSchema = {
      operationId,
      summary: meta?.summary ?? p.path,
      description: [
        `Procedure \`${p.path}\` (tRPC ${p.type}).`,
        isPublic
          ? 'Public: no credentials needed.'
          : `Requires the \`${meta?.permission ?? '?'}\` permission.`,
        meta?.stepUp || meta?.returnsSecret
          ? 'Step-up: needs a session re-authenticated within the last few minutes ' +
            '(REAUTH_REQUIRED otherwise; an API key or JWT gets SESSION_REQUIRED).'
          : '',
        meta?.returnsSecret
          ? 'The response carries a secret shown once: an Idempotency-Key repeat answers ' +
            'IDEMPOTENCY_SECRET_NOT_REPLAYED instead of replaying it.'
          : '',
        meta?.requireVerifiedEmail
          ? 'Needs a verified email address (EMAIL_NOT_VERIFIED otherwise).'
          : '',
      ]
        .filter(Boolean)
        .join(' '),
      tags: [tag],
      security: securityFor(meta),
      ...(isPublic ? {} : { 'x-gatehouse-permission': meta?.permission }),
      responses: {
        '200': {
          description: "Success: the output in tRPC's result envelope",
          headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['result'],
                properties: {
                  result: { type: 'object', required: ['data'], properties: { data: output } },
                },
              },
            },
          },
        },
        ...errorResponsesFor({ type: p.type, isPublic }),
      },
    };
    const inputContent = { 'application/json': { schema: input } };
    paths[`/trpc/${p.path}`] =
      p.type === 'query'
        ? {
            get: {
              ...operation,
              parameters: [
                {
                  name: 'input',
                  in: 'query',
                  required,
                  description: 'The input as JSON, URL-encoded',
                  content: inputContent,
                },
              ],
            },
          }
        : {
            post: {
              ...operation,
              requestBody: { required, description: 'The input as JSON', content: inputContent },
            },
          };
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Gatehouse API', version: options.version, description: DESCRIPTION },
    servers: (options.servers ?? []).map((url) => ({ url })),
    tags: [
      ...[...tags].sort().map((name) => ({ name })),
      { name: 'oauth', description: 'Tokens for services: POST /oauth/token and its keys' },
      { name: 'health', description: 'Probes for load balancers and orchestrators' },
    ],
    paths: { ...paths, ...plainEndpointPaths() },
    components: {
      schemas: { Error: ERROR_SCHEMA, ...PLAIN_ENDPOINT_SCHEMAS, ...schemas.definitions() },
      responses: errorResponseComponents(),
      headers: {
        RequestId: {
          description: "This request's id (also in error.data.requestId and the server log)",
          schema: { type: 'string' },
        },
        RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer' } },
      },
      securitySchemes: { ...SECURITY_SCHEMES, clientBasic: CLIENT_BASIC_SCHEME },
    },
  };
}
