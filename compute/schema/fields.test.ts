import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { check } from './describe.js';
import { integer, list, measured, range, strict, text } from './fields.js';

const refusal = (schema: v.GenericSchema, value: unknown) => {
  const result = check(schema, value);
  if (result.ok) throw new Error(`accepted ${JSON.stringify(value)}`);
  return result.refusal;
};

describe('payload field schemas', () => {
  it('a refusal names the path as code writes it, the rule, and the value found', () => {
    const schema = strict({ records: list(strict({ shape: list(integer(0, 9), 2) }), 5) });
    expect(refusal(schema, { records: [{ shape: [1, 2] }, { shape: [3, 10] }] })).toEqual({
      path: 'records[1].shape[1]',
      rule: 'must be an integer from 0 to 9',
      value: 10,
    });
    expect(refusal(schema, [])).toEqual({ path: '', rule: 'must be an object', value: [] });
  });

  it("refuses a field it does not know, and a missing one with that field's own rule", () => {
    const schema = strict({ nx: integer(1, 20), name: text(8) });
    expect(refusal(schema, { nx: 3, name: 'a', extra: true })).toMatchObject({
      path: 'extra',
      rule: 'is not expected',
      value: true,
    });
    expect(refusal(schema, { name: 'a' })).toMatchObject({
      path: 'nx',
      rule: 'must be an integer from 1 to 20',
      value: undefined,
    });
  });

  it('takes an object only: not a list, not a typed array, not null', () => {
    const schema = strict({});
    for (const value of [[], new Uint8Array(2), null, 'x'])
      expect(refusal(schema, value).rule).toBe('must be an object');
    expect(check(schema, {})).toEqual({ ok: true, value: {} });
  });

  it("checks a list's length before any item, so an oversized list costs one check", () => {
    let itemsChecked = 0;
    const item = v.custom<number>(() => {
      itemsChecked += 1;
      return true;
    });
    expect(refusal(list(item, 3), [1, 2, 3, 4]).rule).toBe('must be a list of at most 3');
    expect(itemsChecked).toBe(0);
  });

  it('takes any measured number, NaN and infinities included, and nothing that is not a number', () => {
    for (const value of [0, -1.5, NaN, Infinity, -Infinity]) expect(check(measured, value).ok).toBe(true);
    expect(refusal(measured, '1').rule).toBe('must be a number');
  });

  it('a domain is two finite increasing numbers', () => {
    expect(check(range, [-2, 2])).toEqual({ ok: true, value: [-2, 2] });
    expect(refusal(range, [2, -2]).rule).toBe('must run from a smaller number to a larger one');
    for (const value of [[0], [0, NaN], [0, Infinity], ['0', '1'], [0, 1, 2]])
      expect(refusal(range, value).rule).toMatch(/^must be two finite numbers/);
  });

  it('coerces nothing: a numeric string is not a number', () => {
    expect(refusal(integer(1, 10), '5').rule).toBe('must be an integer from 1 to 10');
    expect(refusal(integer(1, 10), 2.5).rule).toBe('must be an integer from 1 to 10');
  });
});
