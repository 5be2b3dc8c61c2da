import type { Reason } from '@gatehouse/shared';

/** A reason for an HTTP status that came without a Gatehouse error body (e.g. from a proxy). */
export function reasonForStatus(status: number): Reason {
  if (status === 400) return 'BAD_REQUEST';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 408 || status === 504) return 'TIMEOUT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 414) return 'URL_TOO_LONG';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 502 || status === 503) return 'SERVICE_UNAVAILABLE';
  return 'INTERNAL';
}
