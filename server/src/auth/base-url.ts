import type { Config } from '../config';

/** Where links in mail point: PUBLIC_URL, or this server's own address (config/load-config.ts). */
export function publicBaseUrl(config: Config): string {
  return config.http.baseUrl;
}
