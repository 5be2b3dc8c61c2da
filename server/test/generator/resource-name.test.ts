import { describe, expect, it } from 'vitest';
import { pluralOf, resourceNames, ResourceNameError } from '../../src/generator/resource-name';

describe('resource names', () => {
  it('derives every spelling from the singular', () => {
    expect(resourceNames('purchase-order')).toEqual({
      kebab: 'purchase-order',
      kebabPlural: 'purchase-orders',
      snake: 'purchase_order',
      table: 'purchase_orders',
      camel: 'purchaseOrder',
      camelPlural: 'purchaseOrders',
      pascal: 'PurchaseOrder',
      pascalPlural: 'PurchaseOrders',
      words: 'purchase order',
      aWords: 'a purchase order',
      wordsPlural: 'purchase orders',
    });
    expect(resourceNames('person', 'people').table).toBe('people');
    expect(resourceNames('invoice').aWords).toBe('an invoice');
  });

  it('pluralizes the regular English cases', () => {
    expect(['invoice', 'category', 'day', 'box', 'batch', 'bus'].map(pluralOf)).toEqual([
      'invoices',
      'categories',
      'days',
      'boxes',
      'batches',
      'buses',
    ]);
  });

  it.each([
    ['Invoice', /lowercase words/],
    ['invoice_line', /lowercase words/],
    ['-x', /lowercase words/],
    ['class', /JavaScript or TypeScript reserved word/],
    ['constructor', /reserved word/],
    ['select', /SQL reserved word/],
    ['order', /SQL reserved word/],
    ['user', /SQL reserved word|Gatehouse uses/],
    ['session', /Gatehouse uses/],
    ['webhook', /Gatehouse uses/],
    ['sheep', /plural of "sheep" must differ|--plural/],
  ])('refuses %j, saying why', (name, why) => {
    const attempt = (): unknown => resourceNames(name, name === 'sheep' ? 'sheep' : undefined);
    expect(attempt).toThrow(ResourceNameError);
    expect(attempt).toThrow(why);
  });

  it('checks the plural too', () => {
    expect(() => resourceNames('tabl', 'table')).toThrow(/the plural "table" is an SQL reserved/);
  });
});
