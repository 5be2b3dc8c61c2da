import type { Config } from '../config';

/** Where links in mail point: PUBLIC_URL, or this server's own address. */
export function publicBaseUrl(config: Config): string {
  if (config.http.publicUrl) return config.http.publicUrl.replace(/\/+$/, '');
  const scheme = config.http.tls ? 'https' : 'http';
  return `${scheme}://${config.http.host}:${config.http.port}`;
}
