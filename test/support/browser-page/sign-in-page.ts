import { createGatehouseClient, registerPasskey, signInWithPasskey } from '@gatehouse/client';

// The few browser globals the page uses (the project's type-check has no DOM library).
declare const location: {
  origin: string;
  search: string;
  pathname: string;
  assign(url: string): void;
};
declare const document: { getElementById(id: string): { textContent: string | null } | null };

/**
 * The sign-in page of a frontend team, as docs/sign-in-methods.md shows it, bundled for the
 * browser tests (test/support/frontend-server.ts): the typed client against this origin, a
 * button per flow, and the two landing pages a provider and a mailed link return to. Results
 * are written to #result for the test to read.
 */
const client = createGatehouseClient({ url: location.origin, credentials: 'cookie' });
const result = (value: unknown): void => {
  const el = document.getElementById('result');
  if (el) el.textContent = JSON.stringify(value);
};
const failed = (err: unknown): void =>
  result({ error: (err as { reason?: string }).reason ?? String(err) });

const page = {
  async signInWith(provider: string): Promise<void> {
    const { authorizationUrl } = await client.auth.providers.start.mutate({
      provider,
      returnTo: '/signed-in',
    });
    location.assign(authorizationUrl);
  },
  async requestLink(email: string): Promise<void> {
    result(await client.auth.email.request.mutate({ email }));
  },
  async signInWithCode(email: string, code: string): Promise<void> {
    result(await client.auth.email.signInWithCode.mutate({ email, code }));
  },
  async signInWithPassword(email: string, password: string): Promise<void> {
    result(await client.auth.signIn.mutate({ email, password }));
  },
  async registerPasskey(name: string): Promise<void> {
    result(await registerPasskey(client, { name }));
  },
  async signInWithPasskey(): Promise<void> {
    result(await signInWithPasskey(client));
  },
  async me(): Promise<void> {
    const me = await client.auth.me.query();
    result({ email: me.user.email, authMethod: me.session?.authMethod });
  },
};
(globalThis as unknown as { page: typeof page }).page = page;

async function land(): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (location.pathname.startsWith('/auth/callback/')) {
    const provider = location.pathname.split('/').pop() ?? '';
    result(await client.auth.providers.callback.mutate({ provider, search: location.search }));
  } else if (location.pathname === '/sign-in-link') {
    const token = params.get('token') ?? '';
    let answer = await client.auth.email.signInWithLink.mutate({ token });
    if (answer.status === 'confirmation_required' && params.get('confirm') === 'yes')
      answer = await client.auth.email.signInWithLink.mutate({ token, confirm: true });
    result(answer);
  } else {
    result({ ready: true });
  }
}
land().catch(failed);
