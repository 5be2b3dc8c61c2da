import SwaggerParser from '@apidevtools/swagger-parser';
import { REASONS } from '@gatehouse/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromJSONSchema } from 'zod';
import { appRouter } from '../../server/src/app-router';
import { reasonStatus } from '../../server/src/http/trpc-error-body';
import { listProcedures } from '../../server/src/pipeline/assert-procedure-policies';
import { mailCaptureOf, tokenFromMail, type MailCapture } from '../support/mail-capture';
import { useTestApp } from '../support/use-test-app';

type Json = Record<string, unknown>;
interface Media {
  schema: Json;
}
interface Operation {
  operationId: string;
  summary: string;
  security: Record<string, string[]>[];
  'x-gatehouse-permission'?: string;
  parameters?: { name: string; in: string; required: boolean; content: Record<string, Media> }[];
  requestBody?: { required: boolean; content: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, Json>;
    securitySchemes: Record<string, Json>;
    responses: Record<string, { content: Record<string, Media> }>;
  };
}

describe('the OpenAPI document', () => {
  let doc: Doc;
  /** The same document with every $ref resolved: what a generator works from. */
  let resolved: Doc;
  const t = useTestApp();
  beforeAll(async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    doc = (await res.json()) as Doc;
    resolved = (await SwaggerParser.dereference(structuredClone(doc) as never)) as unknown as Doc;
  });

  it('is served at /openapi.json and validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('describes every procedure: method, summary, permission, security, schemas, errors', () => {
    const procedures = listProcedures(appRouter);
    expect(
      Object.keys(doc.paths)
        .filter((path) => path.startsWith('/trpc/'))
        .sort(),
    ).toEqual(procedures.map((p) => `/trpc/${p.path}`).sort());
    for (const p of procedures) {
      const methods = doc.paths[`/trpc/${p.path}`] ?? {};
      expect(Object.keys(methods), p.path).toEqual([p.type === 'query' ? 'get' : 'post']);
      const op = Object.values(methods)[0] as Operation;
      const meta = p.meta as
        { public?: boolean; permission?: string; stepUp?: boolean; summary?: string } | undefined;
      expect(op.operationId, p.path).toBe(p.path.replaceAll('.', '_'));
      expect(op.summary, p.path).toBe(meta?.summary);
      const schemes = op.security.flatMap((s) => Object.keys(s)).sort();
      if (meta?.public) expect(schemes, p.path).toEqual([]);
      else if (meta?.stepUp)
        expect(schemes, p.path).toEqual(['sessionCookie', 'sessionCookiePlainHttp']);
      else
        expect(schemes, p.path).toEqual([
          'apiKeyHeader',
          'bearerApiKey',
          'bearerJwt',
          'sessionCookie',
          'sessionCookiePlainHttp',
        ]);
      expect(op['x-gatehouse-permission'], p.path).toBe(meta?.permission);
      const input =
        p.type === 'query'
          ? op.parameters?.find((q) => q.name === 'input' && q.in === 'query')?.content[
              'application/json'
            ]
          : op.requestBody?.content['application/json'];
      expect(input?.schema, p.path).toBeDefined();
      expect(op.responses['200']?.content?.['application/json']?.schema, p.path).toBeDefined();
      const statuses = Object.keys(op.responses);
      for (const s of ['400', '429', '500', '503', 'default'])
        expect(statuses, p.path).toContain(s);
      expect(statuses.includes('401') && statuses.includes('403'), p.path).toBe(!meta?.public);
    }
  });

  it('describes the plain endpoints callers use, and they answer as it says', async () => {
    expect(
      Object.keys(doc.paths)
        .filter((path) => !path.startsWith('/trpc/'))
        .sort(),
    ).toEqual(['/.well-known/jwks.json', '/healthz', '/oauth/token', '/readyz']);
    expect((doc as unknown as { jsonSchemaDialect?: string }).jsonSchemaDialect).toBeUndefined();
    const matches = (
      path: string,
      method: string,
      res: Response,
      body: unknown,
      type = 'application/json',
    ): void => {
      const schema =
        resolved.paths[path]?.[method]?.responses[String(res.status)]?.content?.[type]?.schema;
      expect(schema, `${method} ${path} ${res.status} is documented`).toBeDefined();
      const check = fromJSONSchema(schema as never).safeParse(body);
      expect(
        check.success,
        `${path} ${res.status}: ${JSON.stringify(check.error?.issues ?? [])}`,
      ).toBe(true);
    };
    for (const path of ['/healthz', '/readyz', '/.well-known/jwks.json']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      matches(path, 'get', res, await res.json());
    }
    const token = resolved.paths['/oauth/token']?.post;
    const form = token?.requestBody?.content['application/x-www-form-urlencoded']?.schema as {
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(form.required).toEqual(['grant_type']);
    expect(Object.keys(form.properties).sort()).toEqual([
      'client_id',
      'client_secret',
      'grant_type',
      'scope',
    ]);
    const asJson = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(asJson.status).toBe(400);
    matches('/oauth/token', 'post', asJson, await asJson.json());
    const unknown = await fetch(`${t.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('nope:nope').toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    expect(unknown.status).toBe(401);
    const refused = (await unknown.json()) as { error: string };
    expect(refused.error).toBe('invalid_client');
    matches('/oauth/token', 'post', unknown, refused);
    expect(doc.components.securitySchemes.clientBasic).toMatchObject({
      type: 'http',
      scheme: 'basic',
    });
  });

  it('carries the closed set of reasons, each status with exactly its own', () => {
    const data = ((doc.components.schemas.Error as Json).properties as Json).error as Json;
    const reason = (((data.properties as Json).data as Json).properties as Json).reason as {
      enum: string[];
    };
    expect(reason.enum).toEqual([...REASONS]);
    for (const [name, response] of Object.entries(resolved.components.responses)) {
      if (name === 'Error') continue;
      const status = Number(name.slice('Error'.length));
      const narrowed = fromJSONSchema(response.content['application/json']?.schema as never);
      for (const r of REASONS) {
        const body = {
          error: { message: 'x', code: -32600, data: { code: 'X', httpStatus: status, reason: r } },
        };
        expect(narrowed.safeParse(body).success, `${name} ${r}`).toBe(reasonStatus(r) === status);
      }
    }
  });

  it('describes org-scoped inputs whole (orgId of the scope step plus own fields)', () => {
    const schema = resolved.paths['/trpc/projects.get']?.get?.parameters?.[0]?.content[
      'application/json'
    ]?.schema as { required: string[]; additionalProperties: boolean };
    expect(schema.required.sort()).toEqual(['id', 'orgId']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('is enough to call procedures: calls built from it behave exactly as it says', async () => {
    const values: Record<string, unknown> = {
      email: 'openapi-caller@example.com',
      password: 'a passphrase long enough for this',
      name: 'Made from the document',
    };
    const operation = (operationId: string): { path: string; method: string; op: Operation } => {
      for (const [path, methods] of Object.entries(resolved.paths))
        for (const [method, op] of Object.entries(methods))
          if (op.operationId === operationId) return { path, method, op };
      throw new Error(`the document has no operation ${operationId}`);
    };
    /**
     * Calls an operation the way the document says, checking the input and the answer against its
     * schemas.
     */
    const call = async (
      operationId: string,
      options: { cookie?: string; input?: Json } = {},
    ): Promise<{ status: number; body: Json; res: Response }> => {
      const { path, method, op } = operation(operationId);
      const shape =
        method === 'get'
          ? op.parameters?.find((p) => p.name === 'input')?.content['application/json']?.schema
          : op.requestBody?.content['application/json']?.schema;
      const required = (shape?.required ?? []) as string[];
      const input = options.input ?? Object.fromEntries(required.map((k) => [k, values[k]]));
      if (!options.input)
        expect(
          fromJSONSchema(shape as never).safeParse(input).success,
          `${operationId}: input the document accepts`,
        ).toBe(true);
      const headers: Record<string, string> = options.cookie
        ? { cookie: options.cookie, origin: t.url }
        : {};
      const sendInput = required.length > 0 || options.input !== undefined;
      const query = sendInput ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
      const res =
        method === 'get'
          ? await fetch(`${t.url}${path}${query}`, { headers })
          : await fetch(`${t.url}${path}`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify(input),
            });
      const body = (await res.json()) as Json;
      const response = op.responses[String(res.status)] ?? op.responses.default;
      const schema = response?.content?.['application/json']?.schema;
      expect(schema, `${operationId}: status ${res.status} is documented`).toBeDefined();
      const check = fromJSONSchema(schema as never).safeParse(body);
      expect(
        check.success,
        `${operationId}: ${res.status} body matches the document: ` +
          `${JSON.stringify(check.error?.issues ?? [])}`,
      ).toBe(true);
      return { status: res.status, body, res };
    };
    const data = (r: { body: Json }): Json => (r.body.result as { data: Json }).data;

    expect(data(await call('system_version')).name).toBe('gatehouse');
    expect((await call('auth_signUp')).status).toBe(200);
    // Creating an org needs a verified email: the mailed link, posted back as the document says.
    const verify = await (mailCaptureOf(t.url) as MailCapture).waitFor(
      'openapi-caller@example.com',
      /Confirm your email/,
    );
    expect(
      (await call('auth_verifyEmail', { input: { token: tokenFromMail(verify) } })).status,
    ).toBe(200);
    const signIn = await call('auth_signIn');
    expect(data(signIn).status).toBe('signed_in');
    const cookie = (signIn.res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    expect((data(await call('auth_me', { cookie })).user as Json).email).toBe(
      'openapi-caller@example.com',
    );

    const org = await call('orgs_create', { cookie });
    values.orgId = data(org).id;
    const project = await call('projects_create', { cookie });
    const list = await call('projects_list', { cookie });
    expect(JSON.stringify(data(list))).toContain(String(data(project).id));

    // Refusals, in the documented error shapes.
    const anonymous = await call('auth_me');
    expect(anonymous.status).toBe(401);
    expect((anonymous.body.error as { data: Json }).data.reason).toBe('UNAUTHENTICATED');
    const extra = await call('projects_list', { cookie, input: { orgId: values.orgId, extra: 1 } });
    expect(extra.status).toBe(400);
    expect((extra.body.error as { data: Json }).data.reason).toBe('VALIDATION_FAILED');
  });
});
