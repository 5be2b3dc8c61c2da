/**
 * The OpenAPI 3.1 document, generated from the router and the shared zod
 * schemas with zod 4's own `z.toJSONSchema` (JSON Schema 2020-12, which is
 * OpenAPI 3.1's schema dialect).
 *
 * Why not a library: `trpc-to-openapi` documents (and serves) REST-style
 * routes declared in `meta.openapi`, a second wire format beside tRPC's;
 * `@trpc/openapi` is an 11.18 alpha pinned to another tRPC release and
 * generating through @hey-api. Callers in other languages should speak the
 * same wire format the TypeScript client does — `GET /trpc/<path>?input=`,
 * `POST /trpc/<path>`, `{"result":{"data":...}}` — so this document describes
 * exactly that, walking `listProcedures` like the default-deny check does.
 */
import { REASONS } from '@gatehouse/shared';
import type { AnyRouter } from '@trpc/server';
import { toJSONSchema } from 'zod';
import { listProcedures } from '../pipeline/assert-procedure-policies';

type JsonObject = Record<string, unknown>;

const SECURITY = [{ sessionCookie: [] }, { bearerApiKey: [] }, { bearerJwt: [] }, { apiKeyHeader: [] }];

function schemaOf(parser: unknown, io: 'input' | 'output'): JsonObject {
  const json = toJSONSchema(parser as never, { io, unrepresentable: 'any' }) as JsonObject;
  delete json.$schema;
  return json;
}

function errorResponse(description: string): JsonObject {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } } };
}

export interface OpenApiOptions {
  readonly version: string;
  /** Server URLs to list (e.g. the public URL). */
  readonly servers?: readonly string[];
}

/** Builds the document for every procedure in the router. */
export function buildOpenApiDocument(router: AnyRouter, options: OpenApiOptions): JsonObject {
  const paths: JsonObject = {};
  const defs = router._def.procedures as unknown as Record<string, { _def: { inputs: unknown[]; output?: unknown } }>;
  for (const p of listProcedures(router)) {
    const def = defs[p.path]?._def;
    const meta = p.meta;
    const inputParser = def?.inputs[def.inputs.length - 1];
    const input = inputParser ? schemaOf(inputParser, 'input') : {};
    const inputOptional = inputParser ? (inputParser as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success : true;
    const output = def?.output ? schemaOf(def.output, 'output') : {};
    const isPublic = meta?.public === true;
    const operation: JsonObject = {
      operationId: p.path.replace(/\./g, '_'),
      summary: meta?.summary ?? p.path,
      tags: [p.path.split('.')[0]],
      description: isPublic ? 'Public.' : `Requires the \`${meta?.permission ?? ''}\` permission${meta?.stepUp ? ' and a recent re-authentication (step-up)' : ''}.`,
      security: isPublic ? [] : SECURITY,
      'x-gatehouse-permission': isPublic ? null : (meta?.permission ?? null),
      responses: {
        '200': {
          description: 'Success',
          content: { 'application/json': { schema: { type: 'object', required: ['result'], properties: { result: { type: 'object', required: ['data'], properties: { data: output } } } } } },
        },
        '400': errorResponse('Invalid input (VALIDATION_FAILED, MALFORMED_JSON, ...)'),
        ...(isPublic ? {} : { '401': errorResponse('No valid credentials'), '403': errorResponse('Credentials without the permission (FORBIDDEN, CSRF_REJECTED, ...)') }),
        '429': errorResponse('Rate limited (RATE_LIMITED, TOO_MANY_ATTEMPTS); see Retry-After'),
        '500': errorResponse('Internal error (details are never disclosed)'),
      },
    };
    const path = `/trpc/${p.path}`;
    if (p.type === 'query') {
      paths[path] = {
        get: {
          ...operation,
          parameters: [{ name: 'input', in: 'query', required: !inputOptional, description: 'The input, as URL-encoded JSON', content: { 'application/json': { schema: input } } }],
        },
      };
    } else {
      paths[path] = {
        post: {
          ...operation,
          requestBody: { required: !inputOptional, content: { 'application/json': { schema: input } } },
        },
      };
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Gatehouse API',
      version: options.version,
      description:
        "Every procedure of the tRPC router. Queries are `GET /trpc/<procedure>?input=<url-encoded JSON>`, mutations `POST /trpc/<procedure>` with a JSON body (`Content-Type: application/json` only). Results are `{\"result\":{\"data\":...}}`; errors `{\"error\":{\"message\",\"code\",\"data\":{\"reason\",\"httpStatus\",\"requestId\"}}}`. Cookie-authenticated mutations must send an allowed `Origin`.",
    },
    servers: (options.servers ?? []).map((url) => ({ url })),
    paths,
    components: {
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'gatehouse_session', description: 'Session cookie from auth.signIn (`__Host-gatehouse_session` over HTTPS)' },
        bearerApiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'Gatehouse API key', description: 'An API key as a bearer token' },
        bearerJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A short-lived access token from POST /oauth/token (client credentials)' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key in the X-API-Key header' },
      },
      schemas: {
        ErrorEnvelope: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['message', 'code', 'data'],
              properties: {
                message: { type: 'string' },
                code: { type: 'integer', description: 'JSON-RPC 2.0 style error code' },
                data: {
                  type: 'object',
                  required: ['reason', 'httpStatus', 'code'],
                  properties: {
                    reason: { type: 'string', enum: [...REASONS] },
                    httpStatus: { type: 'integer' },
                    code: { type: 'string' },
                    requestId: { type: 'string' },
                    path: { type: 'string' },
                    retryAfterSeconds: { type: 'integer' },
                    issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, code: { type: 'string' }, reason: { type: 'string' } } } },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
