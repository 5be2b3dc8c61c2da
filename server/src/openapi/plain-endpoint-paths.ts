import type { JsonSchema } from './json-schema-collector';

const OAUTH_ERROR: JsonSchema = {
  type: 'object',
  description: 'RFC 6749 §5.2 error response',
  required: ['error', 'error_description'],
  properties: {
    error: {
      type: 'string',
      enum: [
        'invalid_request',
        'invalid_client',
        'unsupported_grant_type',
        'invalid_scope',
        'server_error',
      ],
    },
    error_description: { type: 'string' },
  },
};

const oauthError = (description: string, headers: JsonSchema = {}): JsonSchema => ({
  description,
  headers,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthError' } } },
});

const TOKEN_ENDPOINT: JsonSchema = {
  post: {
    operationId: 'oauth_token',
    summary: 'Exchange an API key for a short-lived access token (OAuth 2.0 client credentials)',
    description: [
      'RFC 6749 §4.4. The client is an API key: `client_id` is its id, `client_secret` the ' +
        'whole key.',
      'Authenticate with HTTP Basic (`Authorization: Basic base64(id:key)`, both halves ' +
        'form-urlencoded) or with `client_id` and `client_secret` in the body, not both.',
      'The answer is an RFC 9068 JWT (EdDSA, keys at `/.well-known/jwks.json`), to send as ' +
        '`Authorization: Bearer <access_token>` to `/trpc/*`. It never outlives the key.',
      'The only endpoint that takes form encoding; each parameter at most once.',
    ].join(' '),
    tags: ['oauth'],
    security: [{ clientBasic: [] }, {}],
    requestBody: {
      required: true,
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            required: ['grant_type'],
            properties: {
              grant_type: { type: 'string', enum: ['client_credentials'] },
              scope: {
                type: 'string',
                description:
                  'Space-separated permissions, a subset of what the key holds; default: all ' +
                  'of them',
              },
              client_id: {
                type: 'string',
                description: 'The API key id (when not using HTTP Basic)',
              },
              client_secret: {
                type: 'string',
                description: 'The whole API key (when not using HTTP Basic)',
              },
            },
          },
        },
      },
    },
    responses: {
      '200': {
        description: 'An access token (never cached: Cache-Control: no-store)',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['access_token', 'token_type', 'expires_in', 'scope'],
              properties: {
                access_token: { type: 'string', description: 'An RFC 9068 JWT' },
                token_type: { type: 'string', enum: ['Bearer'] },
                expires_in: {
                  type: 'integer',
                  description: 'Seconds until it expires (JWT_TTL_SECONDS at most)',
                },
                scope: { type: 'string' },
              },
            },
          },
        },
      },
      '400': oauthError(
        'invalid_request (not form-encoded, repeated parameter, two authentication methods), ' +
          'unsupported_grant_type, or invalid_scope',
      ),
      '401': oauthError(
        'invalid_client: no client authentication, or an unknown, revoked or expired key',
        {
          'WWW-Authenticate': {
            schema: { type: 'string' },
            description: 'Basic realm="gatehouse"',
          },
        },
      ),
      '405': oauthError('Only POST'),
      '429': { $ref: '#/components/responses/Error429' },
      '500': oauthError('server_error'),
    },
  },
};

const JWKS: JsonSchema = {
  get: {
    operationId: 'jwks',
    summary: 'The public keys access tokens are signed with (JWK Set, RFC 7517)',
    description:
      'Verify tokens from `/oauth/token` with these keys (EdDSA, Ed25519). Cacheable for 5 ' +
      'minutes.',
    tags: ['oauth'],
    security: [],
    responses: {
      '200': {
        description: 'The JWK Set',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['keys'],
              properties: {
                keys: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['kty', 'kid'],
                    properties: {
                      kty: { type: 'string' },
                      crv: { type: 'string' },
                      x: { type: 'string' },
                      kid: { type: 'string' },
                      alg: { type: 'string' },
                      use: { type: 'string' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const HEALTHZ: JsonSchema = {
  get: {
    operationId: 'healthz',
    summary: 'Liveness: the process answers (never rate limited)',
    tags: ['health'],
    security: [],
    responses: {
      '200': {
        description: 'Alive',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['status'],
              properties: { status: { type: 'string', enum: ['ok'] } },
            },
          },
        },
      },
    },
  },
};

const READYZ: JsonSchema = {
  get: {
    operationId: 'readyz',
    summary: 'Readiness: the database answers and its migrations are current',
    tags: ['health'],
    security: [],
    responses: {
      '200': {
        description: 'Ready to serve',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['status'],
              properties: { status: { type: 'string', enum: ['ready'] } },
            },
          },
        },
      },
      '503': {
        description: 'Not ready: shutting down, database unreachable, or migrations pending',
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['status', 'reason'],
              properties: {
                status: { type: 'string', enum: ['unavailable'] },
                reason: {
                  type: 'string',
                  enum: ['SHUTTING_DOWN', 'DATABASE_UNREACHABLE', 'MIGRATIONS_PENDING'],
                },
                pending: {
                  type: 'array',
                  items: { type: 'string' },
                  description: 'The pending migrations (MIGRATIONS_PENDING)',
                },
              },
            },
          },
        },
      },
      '429': { $ref: '#/components/responses/Error429' },
    },
  },
};

/**
 * The HTTP endpoints beside `/trpc/*` that callers use: the token endpoint
 * (how a Python or Go service gets a JWT), its keys, and the health probes.
 * Hand-written because they are not procedures; test/openapi checks each
 * against the running server.
 */
export function plainEndpointPaths(): Record<string, JsonSchema> {
  return {
    '/oauth/token': TOKEN_ENDPOINT,
    '/.well-known/jwks.json': JWKS,
    '/healthz': HEALTHZ,
    '/readyz': READYZ,
  };
}

/** `components.schemas` entries the plain endpoints refer to. */
export const PLAIN_ENDPOINT_SCHEMAS: Record<string, JsonSchema> = { OAuthError: OAUTH_ERROR };

/** HTTP Basic client authentication for `/oauth/token`. */
export const CLIENT_BASIC_SCHEME: JsonSchema = {
  type: 'http',
  scheme: 'basic',
  description:
    'OAuth client authentication at /oauth/token: the API key id as user name, the whole key ' +
    'as password.',
};
