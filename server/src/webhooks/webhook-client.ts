import { DestinationRefusedError, type DestinationRefusal } from './destination-refusal';
import type { HostResolver } from './host-resolver';
import { postToDestination, type PostFailure, type PostLimits } from './post-to-destination';
import { resolveDestination, type DestinationRules } from './resolve-destination';

/** The outcome of one attempt, as the worker records it. */
export type AttemptOutcome =
  | { readonly ok: true; readonly status: number; readonly body: string }
  | {
      readonly ok: false;
      /** `refused`: no connection was made (see `refusal`). */
      readonly failure: PostFailure | 'refused';
      readonly refusal?: DestinationRefusal;
      readonly address?: string;
      readonly status?: number;
      readonly body?: string;
      readonly message: string;
    };

/** Sends one signed body to one URL, SSRF rules first. */
export interface WebhookClient {
  send(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: Buffer,
  ): Promise<AttemptOutcome>;
}

export function createWebhookClient(options: {
  readonly rules: DestinationRules;
  readonly limits: PostLimits;
  readonly resolve: HostResolver;
}): WebhookClient {
  return {
    async send(url, headers, body) {
      let destination;
      try {
        destination = await resolveDestination(url, options.rules, options.resolve);
      } catch (err) {
        if (!(err instanceof DestinationRefusedError)) throw err;
        return {
          ok: false,
          failure: 'refused',
          refusal: err.refusal,
          ...(err.address !== undefined ? { address: err.address } : {}),
          message: err.message,
        };
      }
      return postToDestination(destination, headers, body, options.limits);
    },
  };
}
