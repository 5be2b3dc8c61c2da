import { REASONS, type Reason } from '@gatehouse/shared';
import { trpcErrorBody } from '../http/trpc-error-body';
import type { JsonSchema } from './json-schema-collector';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Invalid request or input',
  401: 'No valid credentials',
  403: 'Credentials without the right to do this',
  404: 'Not found (or not yours: the two are indistinguishable)',
  405: 'Method not supported',
  408: 'Timeout',
  409: 'Conflict',
  413: 'Request body too large',
  415: 'Only application/json is accepted',
  422: 'Unprocessable',
  429: 'Rate limited: retry after Retry-After seconds',
  500: 'Internal error (details are never disclosed)',
  503: 'Temporarily unavailable: retry shortly',
};

/**
 * The reasons answered with each HTTP status, from the one reason → status table the server uses.
 */
function reasonsByStatus(): Map<number, Reason[]> {
  const groups = new Map<number, Reason[]>();
  for (const reason of REASONS) {
    const { status } = trpcErrorBody(reason, '', '');
    groups.set(status, [...(groups.get(status) ?? []), reason]);
  }
  return new Map([...groups].sort(([a], [b]) => a - b));
}

const REQUEST_ID_HEADER = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

/**
 * `components.responses`: one response per status, its schema the `Error`
 * envelope narrowed to the reasons that status carries, plus `Error` for
 * any other. Operations refer to them by `#/components/responses/Error<status>`.
 */
export function errorResponseComponents(): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {
    Error: {
      description: 'Any other refusal, with one of the reasons of the Error schema',
      headers: REQUEST_ID_HEADER,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    },
  };
  for (const [status, reasons] of reasonsByStatus()) {
    responses[`Error${status}`] = {
      description: `${TITLES[status] ?? 'Error'}. Reasons: ${reasons.join(', ')}.`,
      headers:
        status === 429 || status === 503
          ? { ...REQUEST_ID_HEADER, 'Retry-After': { $ref: '#/components/headers/RetryAfter' } }
          : REQUEST_ID_HEADER,
      content: {
        'application/json': {
          schema: {
            allOf: [
              { $ref: '#/components/schemas/Error' },
              {
                type: 'object',
                properties: {
                  error: {
                    type: 'object',
                    properties: {
                      data: {
                        type: 'object',
                        properties: { reason: { type: 'string', enum: reasons } },
                      },
                    },
                  },
                },
              },
            ],
          },
          // The envelope exactly as the server fills it for this status's first reason.
          example: trpcErrorBody(reasons[0] as Reason, TITLES[status] ?? 'Error', '0a1b2c3d4e5f')
            .body,
        },
      },
    };
  }
  return responses;
}

/** The statuses an operation can plausibly answer besides 200 (the rest fall under `default`). */
export function errorStatusesFor(operation: {
  readonly type: 'query' | 'mutation';
  readonly isPublic: boolean;
}): number[] {
  return [
    400,
    ...(operation.isPublic ? [] : [401, 403]),
    ...(operation.type === 'mutation' ? [413, 415] : []),
    429,
    500,
    503,
  ];
}

/** An operation's error responses, as references to the components above. */
export function errorResponsesFor(operation: {
  readonly type: 'query' | 'mutation';
  readonly isPublic: boolean;
}): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const status of errorStatusesFor(operation))
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  responses.default = { $ref: '#/components/responses/Error' };
  return responses;
}
