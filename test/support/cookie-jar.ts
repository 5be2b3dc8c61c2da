/**
 * A minimal cookie jar for one origin: remembers `Set-Cookie` name=value
 * pairs (honouring Max-Age=0 deletions) and sends them back, like a browser.
 */
export interface CookieJar {
  readonly fetch: typeof fetch;
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  clear(): void;
  header(): string;
}

export function createCookieJar(options?: { origin?: string }): CookieJar {
  const cookies = new Map<string, string>();
  const header = (): string => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const jarFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (cookies.size > 0) headers.set('cookie', header());
    if (options?.origin && !headers.has('origin')) headers.set('origin', options.origin);
    const res = await fetch(input, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const maxAge = attrs.map((a) => a.trim().toLowerCase()).find((a) => a.startsWith('max-age='));
      if (value === '' || maxAge === 'max-age=0') cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  };
  return {
    fetch: jarFetch,
    get: (name) => cookies.get(name),
    set: (name, value) => void cookies.set(name, value),
    clear: () => cookies.clear(),
    header,
  };
}
