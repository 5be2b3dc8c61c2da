import { describe, expect, it } from 'vitest';
import { FieldSpecError, parseFields, searchFieldOf } from '../../src/generator/field-spec';

describe('the --fields language', () => {
  it('reads the issue’s example: bounds, optional, enum with default', () => {
    const fields = parseFields(
      'title:string(1..200), amountCents:int(>=0), dueOn:date?, status:enum(draft|sent|paid)=draft',
    );
    expect(fields).toEqual([
      { name: 'title', column: 'title', kind: 'string', optional: false, min: 1, max: 200 },
      {
        name: 'amountCents',
        column: 'amount_cents',
        kind: 'int',
        optional: false,
        min: 0,
        max: 2147483647,
      },
      { name: 'dueOn', column: 'due_on', kind: 'date', optional: true },
      {
        name: 'status',
        column: 'status',
        kind: 'enum',
        optional: false,
        values: ['draft', 'sent', 'paid'],
        defaultValue: 'draft',
      },
    ]);
    expect(searchFieldOf(fields)?.name).toBe('title');
  });

  it('bounds every field: a string without a length gets 1..200, text 0..5000', () => {
    const [s, t, upTo, int] = parseFields('a:string, b:text, c:string(..80), d:int(<=10)');
    expect([s?.min, s?.max, t?.min, t?.max, upTo?.min, upTo?.max]).toEqual([
      1, 200, 0, 5000, 1, 80,
    ]);
    expect([int?.min, int?.max]).toEqual([-2147483648, 10]);
    expect(parseFields(undefined)).toEqual([
      { name: 'name', column: 'name', kind: 'string', optional: false, min: 1, max: 200 },
    ]);
  });

  it.each([
    ['title', /not name:type/],
    ['Title:string', /camelCase/],
    ['id:string', /already has/],
    ['orgId:string', /already has/],
    ['__proto__:string', /camelCase|reserved/],
    ['a:money', /unknown type "money"/],
    ['a:string(5..1)', /lengths must satisfy/],
    ['a:string(..2000)', /at most|lengths must satisfy/],
    ['a:int(5..1)', /range is empty/],
    ['a:int(>=x)', /not a range/],
    ['a:int(0..9999999999)', /not a whole number|outside the integer range/],
    ['a:int(0..5)=9', /outside 0..5/],
    ['a:enum(A|b)', /lowercase words/],
    ['a:enum(a|a)', /listed twice/],
    ['a:enum(a|b)=c', /not one of a\|b/],
    ['a:boolean=yes', /true or false/],
    ['a:date=today', /takes no arguments or default/],
    ['a:string, a:int', /declared twice/],
    ['aB:string, a_b:int', /camelCase|declared twice/],
  ])('refuses %j, saying why', (spec, why) => {
    expect(() => parseFields(spec)).toThrow(FieldSpecError);
    expect(() => parseFields(spec)).toThrow(why);
  });

  it('keeps commas inside an argument list apart from the field separator', () => {
    expect(parseFields('a:enum(x|y), b:int(1..2)').map((f) => f.name)).toEqual(['a', 'b']);
  });
});
