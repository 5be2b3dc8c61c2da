import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * GitHub's OAuth 2.0 app flow in the shape Gatehouse's GitHub preset uses, on 127.0.0.1:
 * `/login/oauth/authorize` (straight back with a code), `/login/oauth/access_token`, and the
 * REST API's `/user` and `/user/emails` for the token it issued.
 */
export interface GitHubStub {
  readonly base: string;
  setUser(user: {
    id: number;
    name: string;
    emails: { email: string; primary: boolean; verified: boolean }[];
  }): void;
  close(): Promise<void>;
}

export async function startGitHubStub(redirectUri: string): Promise<GitHubStub> {
  let user = {
    id: 1,
    name: 'Octo',
    emails: [{ email: 'octo@example.com', primary: true, verified: true }],
  };
  let base = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const json = (status: number, body: unknown): void => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/login/oauth/authorize') {
      const back = new URL(redirectUri);
      back.searchParams.set('code', 'gh-code');
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.statusCode = 302;
      res.setHeader('location', back.href);
      return res.end();
    }
    if (url.pathname === '/login/oauth/access_token') {
      req.resume();
      return json(200, {
        access_token: 'gh-token',
        token_type: 'bearer',
        scope: 'read:user,user:email',
      });
    }
    if (req.headers.authorization !== 'Bearer gh-token')
      return json(401, { message: 'Bad credentials' });
    if (url.pathname === '/user') return json(200, { id: user.id, name: user.name });
    if (url.pathname === '/user/emails') return json(200, user.emails);
    return json(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    setUser: (next) => {
      user = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
