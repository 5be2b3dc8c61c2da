import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from '../../src/openapi/build-openapi-document';
import { baseProcedure, router } from '../../src/pipeline/trpc';

interface Node {
  name: string;
  children: Node[];
}
const NodeSchema: z.ZodType<Node> = z.strictObject({
  name: z.string(),
  get children() {
    return z.array(NodeSchema);
  },
});
const Named = z.strictObject({ id: z.string() }).meta({ id: 'Named' });

/** Shapes the real router does not have yet, so the generator is ready when someone adds them. */
const odd = router({
  tree: router({
    get: baseProcedure
      .meta({ public: true, summary: 'A recursive output' })
      .input(z.strictObject({ depth: z.number().int() }))
      .output(NodeSchema)
      .query(() => ({ name: 'root', children: [] })),
    put: baseProcedure
      .meta({ permission: 'project:write', stepUp: true })
      .input(z.strictObject({ tree: NodeSchema, owner: Named }))
      .output(Named)
      .mutation(() => ({ id: 'x' })),
  }),
});

describe('buildOpenApiDocument on recursive and registered schemas', () => {
  it('produces a valid document whose every $ref resolves', async () => {
    const doc = buildOpenApiDocument(odd, { version: 'test' });
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/"\$ref":"#(\/\$defs\/[^"]*)?"/);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    const paths = doc.paths as Record<
      string,
      Record<string, { summary: string; security: unknown[] }>
    >;
    expect(paths['/trpc/tree.get']?.get?.summary).toBe('A recursive output');
    expect(paths['/trpc/tree.get']?.get?.security).toEqual([]);
    // No summary in meta: the path stands in.
    expect(paths['/trpc/tree.put']?.post?.summary).toBe('tree.put');
    expect(paths['/trpc/tree.put']?.post?.security).toEqual([
      { sessionCookie: [] },
      { sessionCookiePlainHttp: [] },
    ]);
  });
});
