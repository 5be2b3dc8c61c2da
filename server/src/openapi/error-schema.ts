import { REASONS } from '@gatehouse/shared';
import type { JsonSchema } from './json-schema-collector';

/**
 * tRPC's error envelope as Gatehouse's one error formatter (pipeline/trpc.ts)
 * and the front door's early refusals (http/trpc-error-body.ts) fill it.
 * Clients branch on `error.data.reason`, a closed set from `shared/`.
 */
export const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  description: "tRPC's error envelope. Branch on `error.data.reason`, never on `message`.",
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'code', 'data'],
      properties: {
        message: {
          type: 'string',
          description: 'For humans; may change. Internal errors never disclose details.',
        },
        code: { type: 'integer', description: 'JSON-RPC 2.0 style error code (e.g. -32600)' },
        data: {
          type: 'object',
          required: ['code', 'httpStatus', 'reason'],
          properties: {
            reason: {
              type: 'string',
              enum: [...REASONS],
              description: 'Stable, machine-readable reason',
            },
            code: { type: 'string', description: "tRPC's error code name (e.g. BAD_REQUEST)" },
            httpStatus: { type: 'integer' },
            requestId: {
              type: 'string',
              description:
                'Also in the X-Request-Id response header; quote it when reporting a problem',
            },
            path: { type: 'string', description: 'The procedure' },
            retryAfterSeconds: {
              type: 'integer',
              description: 'When to retry (also the Retry-After header)',
            },
            issues: {
              type: 'array',
              description: 'Input validation problems: where and what kind (never the rule text)',
              items: {
                type: 'object',
                required: ['path', 'code'],
                properties: {
                  path: { type: 'string' },
                  code: { type: 'string' },
                  reason: { type: 'string', enum: [...REASONS] },
                },
              },
            },
          },
        },
      },
    },
  },
};
