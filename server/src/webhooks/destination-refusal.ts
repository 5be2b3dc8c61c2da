import type { RefusedAddressKind } from './address-policy';

/** Why a webhook URL may not be called, as recorded on the delivery and in the security event. */
export type DestinationRefusal =
  | RefusedAddressKind
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'https_required'
  | 'credentials_in_url'
  | 'dns_failed';

/** Thrown (or returned) when a destination is refused before any connection is made. */
export class DestinationRefusedError extends Error {
  constructor(
    readonly refusal: DestinationRefusal,
    readonly address?: string,
  ) {
    super(`webhook destination refused: ${refusal}${address ? ` (${address})` : ''}`);
    this.name = 'DestinationRefusedError';
  }
}
