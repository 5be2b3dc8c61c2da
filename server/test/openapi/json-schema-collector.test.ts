import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createJsonSchemaCollector } from '../../src/openapi/json-schema-collector';
import { mergeInputSchemas } from '../../src/openapi/merge-input-schemas';

describe('createJsonSchemaCollector', () => {
  it('moves $defs to components and rewrites every reference to them', () => {
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
    const collector = createJsonSchemaCollector();
    const schema = collector.schemaOf(z.strictObject({ root: NodeSchema }), 'output');
    const text = JSON.stringify({ schema, defs: collector.definitions() });
    expect(text).not.toContain('#/$defs/');
    expect(text).not.toContain('"$defs"');
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs)
      expect(collector.definitions(), String(name)).toHaveProperty(String(name));
  });

  it('keeps input and output shapes apart (a default makes a field optional on input only)', () => {
    const collector = createJsonSchemaCollector();
    const S = z.strictObject({ limit: z.number().default(20) });
    expect(collector.schemaOf(S, 'input').required).toBeUndefined();
    expect(collector.schemaOf(S, 'output').required).toEqual(['limit']);
  });

  it('describes a non-zod parser as unknown rather than failing', () => {
    expect(createJsonSchemaCollector().schemaOf((v: unknown) => v, 'input')).toHaveProperty(
      'description',
    );
  });
});

describe('mergeInputSchemas', () => {
  const scope = { type: 'object', properties: { orgId: { type: 'string' } }, required: ['orgId'] };
  it('folds agreeing object parts into one object (what org-scoped procedures are)', () => {
    const own = {
      type: 'object',
      properties: { orgId: { type: 'string' }, id: { type: 'string' } },
      required: ['orgId', 'id'],
      additionalProperties: false,
    };
    expect(mergeInputSchemas([scope, own])).toEqual({
      type: 'object',
      properties: { orgId: { type: 'string' }, id: { type: 'string' } },
      required: ['orgId', 'id'],
      additionalProperties: false,
    });
  });
  it('says allOf when the parts disagree or a strict part lacks a field another needs', () => {
    const strictWithoutOrg = {
      type: 'object',
      properties: { id: { type: 'string' } },
      required: ['id'],
      additionalProperties: false,
    };
    expect(mergeInputSchemas([scope, strictWithoutOrg])).toEqual({
      allOf: [scope, strictWithoutOrg],
    });
    const other = { type: 'object', properties: { orgId: { type: 'integer' } } };
    expect(mergeInputSchemas([scope, other])).toEqual({ allOf: [scope, other] });
  });
});

describe('createJsonSchemaCollector with a recursive root', () => {
  it('moves the root to components under the given name (not a whole-document "#")', () => {
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
    const collector = createJsonSchemaCollector();
    expect(collector.schemaOf(NodeSchema, 'output', 'tree.get output')).toEqual({
      $ref: '#/components/schemas/tree.get_output',
    });
    const def = collector.definitions()['tree.get_output'] as {
      properties: { children: { items: unknown } };
    };
    expect(def.properties.children.items).toEqual({ $ref: '#/components/schemas/tree.get_output' });
  });
});
