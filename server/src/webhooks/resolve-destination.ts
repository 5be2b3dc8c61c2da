import { isIP } from 'node:net';
import { refusedAddressKind } from './address-policy';
import { DestinationRefusedError } from './destination-refusal';
import type { HostResolver, ResolvedAddress } from './host-resolver';

/** What the operator decides about destinations (config `webhooks`). */
export interface DestinationRules {
  /** Production: only `https:` URLs. */
  readonly requireHttps: boolean;
  /** WEBHOOK_ALLOW_HOSTS: host names or IP literals allowed to resolve to private addresses. */
  readonly allowHosts: readonly string[];
}

/** A destination that passed every check: connect to `address`, say `hostname`. */
export interface CheckedDestination {
  readonly url: URL;
  /** The name for SNI and the Host header (brackets stripped for IPv6 literals). */
  readonly hostname: string;
  readonly address: ResolvedAddress;
}

/** The host of a URL without IPv6 brackets, lower-case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Checks a URL without resolving it: scheme, credentials, and an IP literal's
 * range. What endpoint creation can tell at once (delivery checks again,
 * after resolving).
 */
export function checkDestinationUrl(raw: string, rules: DestinationRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DestinationRefusedError('invalid_url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new DestinationRefusedError('scheme_not_allowed');
  if (rules.requireHttps && url.protocol !== 'https:')
    throw new DestinationRefusedError('https_required');
  if (url.username !== '' || url.password !== '')
    throw new DestinationRefusedError('credentials_in_url');
  const host = hostOf(url);
  if (isIP(host) !== 0) checkAddress(host, host, rules);
  return url;
}

function allowed(host: string, rules: DestinationRules): boolean {
  return rules.allowHosts.includes(host);
}

function checkAddress(host: string, address: string, rules: DestinationRules): void {
  const kind = refusedAddressKind(address);
  if (kind === undefined) return;
  // Cloud metadata stays out of reach even for an allowlisted host.
  if (kind === 'metadata' || !allowed(host, rules))
    throw new DestinationRefusedError(kind, address);
}

/**
 * Resolves the URL's host once and checks every address it resolves to
 * (one bad address refuses the destination: an attacker controls the order
 * and the next lookup). The caller connects to the returned address only,
 * so a second lookup cannot answer differently (DNS rebinding).
 */
export async function resolveDestination(
  raw: string,
  rules: DestinationRules,
  resolve: HostResolver,
): Promise<CheckedDestination> {
  const url = checkDestinationUrl(raw, rules);
  const hostname = hostOf(url);
  const literal = isIP(hostname);
  let addresses: readonly ResolvedAddress[];
  if (literal !== 0) {
    addresses = [{ address: hostname, family: literal === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await resolve(hostname);
    } catch {
      throw new DestinationRefusedError('dns_failed');
    }
  }
  const first = addresses[0];
  if (!first) throw new DestinationRefusedError('dns_failed');
  for (const a of addresses) checkAddress(hostname, a.address, rules);
  return { url, hostname, address: first };
}
