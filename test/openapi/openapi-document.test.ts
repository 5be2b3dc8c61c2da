import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../server/src/app-router';
import { listProcedures } from '../../server/src/pipeline/assert-procedure-policies';
import { startTestApp, type TestApp } from '../support/test-app';

interface Operation {
  operationId: string;
  security: unknown[];
  parameters?: { name: string; in: string; content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, { content?: Record<string, { schema: { properties: { result: { properties: { data: { properties?: Record<string, unknown>; required?: string[] } } } } } }> }>;
}
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } };

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await startTestApp('pglite', { RATE_LIMIT_AUTH_PER_MINUTE: '10000' });
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as Doc;
  });
  afterAll(async () => t?.close());

  it('is served at /openapi.json and validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('describes every procedure with its method, security and schemas', () => {
    for (const p of listProcedures(appRouter)) {
      const ops = doc.paths[`/trpc/${p.path}`];
      const op = p.type === 'query' ? ops?.get : ops?.post;
      expect(op, p.path).toBeDefined();
      const isPublic = (p.meta as { public?: boolean } | undefined)?.public === true;
      expect(op?.security.length === 0, p.path).toBe(isPublic);
      expect(op?.responses['200']).toBeDefined();
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKeyHeader', 'bearerApiKey', 'bearerJwt', 'sessionCookie']);
  });

  it('is enough to call procedures: three calls built only from the document', async () => {
    const find = (operationId: string): { path: string; method: string; op: Operation } => {
      for (const [path, methods] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(methods)) if (op.operationId === operationId) return { path, method, op };
      throw new Error(`no ${operationId}`);
    };
    const values: Record<string, unknown> = { email: 'openapi-caller@example.com', password: 'a passphrase long enough for this' };
    const call = async (operationId: string, cookie?: string) => {
      const { path, method, op } = find(operationId);
      const shape = method === 'get' ? op.parameters?.[0]?.content['application/json']?.schema : op.requestBody?.content['application/json']?.schema;
      const input = Object.fromEntries((shape?.required ?? []).map((k) => [k, values[k]]));
      const headers: Record<string, string> = { ...(cookie ? { cookie, origin: t.url } : {}) };
      const res =
        method === 'get'
          ? await fetch(`${t.url}${path}${shape?.required?.length ? `?input=${encodeURIComponent(JSON.stringify(input))}` : ''}`, { headers })
          : await fetch(`${t.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(input) });
      const body = (await res.json()) as { result: { data: Record<string, unknown> } };
      const declared = op.responses['200']?.content?.['application/json']?.schema.properties.result.properties.data;
      for (const key of declared?.required ?? []) expect(body.result.data, `${operationId}.${key}`).toHaveProperty(key);
      return { res, body };
    };
    expect((await call('system_version')).body.result.data.name).toBe('gatehouse');
    expect((await call('auth_signUp')).body.result.data).toEqual({ accepted: true });
    const signIn = await call('auth_signIn');
    const cookie = (signIn.res.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
    const me = await call('auth_me', cookie);
    expect((me.body.result.data.user as { email: string }).email).toBe('openapi-caller@example.com');
  });
});
