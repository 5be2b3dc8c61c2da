import type { Config } from '../config';
import { AppError } from '../pipeline/app-error';
import { DestinationRefusedError } from './destination-refusal';
import { checkDestinationUrl } from './resolve-destination';

/** Endpoints one organization may register (each costs a delivery per event). */
export const MAX_ENDPOINTS_PER_ORG = 20;

/**
 * Refuses a URL the delivery worker would refuse anyway, when it is
 * registered: wrong scheme, http in production, credentials, or an IP
 * literal in a refused range (host names are resolved and checked again at
 * every delivery).
 */
export function assertDestinationAllowed(url: string, settings: Config['webhooks']): string {
  try {
    return checkDestinationUrl(url, {
      requireHttps: settings.requireHttps,
      allowHosts: settings.allowHosts,
    }).href;
  } catch (err) {
    if (!(err instanceof DestinationRefusedError)) throw err;
    throw new AppError('WEBHOOK_DESTINATION_REFUSED', {
      message: `This URL cannot receive webhooks (${err.refusal})`,
    });
  }
}

/** Refuses another endpoint past the per-org bound. */
export function assertEndpointRoom(existing: number): void {
  if (existing >= MAX_ENDPOINTS_PER_ORG)
    throw new AppError('WEBHOOK_ENDPOINT_LIMIT', {
      message: `An organization has at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints`,
    });
}
