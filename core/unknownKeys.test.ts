import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatError } from './result.ts';
import { knownKeysAt, nearestName, parseStrictWith } from './unknownKeys.ts';

describe('nearestName', () => {
  const known = ['topics', 'watchdogDecelMps2', 'staleAfterS', 'objectsStaleAfterS', 'map', 'baseLink'];
  it('finds the key meant: another case, a unit left off, a letter or two wrong', () => {
    expect(nearestName('Map', known)).toBe('map');
    expect(nearestName('watchdogDecel', known)).toBe('watchdogDecelMps2');
    expect(nearestName('staleAfter', known)).toBe('staleAfterS');
    expect(nearestName('topic', known)).toBe('topics');
    expect(nearestName('baseLnik', known)).toBe('baseLink');
  });
  it('offers nothing for a key near no known one', () => {
    expect(nearestName('zzzq', known)).toBeUndefined();
    expect(nearestName('mop', ['map', 'mode'])).toBe('map');
    expect(nearestName('xy', ['map'])).toBeUndefined();
  });
});

describe('parseStrictWith', () => {
  const S = z.strictObject({
    a: z.strictObject({ speedMps: z.number() }).default({ speedMps: 1 }),
    list: z.array(z.strictObject({ id: z.string() })).default([]),
  });
  it('finds the known keys through defaults and arrays', () => {
    expect(knownKeysAt(S, [])).toEqual(['a', 'list']);
    expect(knownKeysAt(S, ['a'])).toEqual(['speedMps']);
    expect(knownKeysAt(S, ['list', 0])).toEqual(['id']);
  });
  it('names an unknown key by its path, in a list too, then what its absence left missing', () => {
    const r = parseStrictWith(S, { list: [{ id: 'x' }, { ID: 'y' }] }, 'f.yaml');
    expect(r.ok ? 'ok' : formatError(r.error)).toBe(
      'invalid input at f.yaml:list.1.ID: unknown key (did you mean id?); also list.1.id: Invalid input: expected string, received undefined',
    );
  });
  it('reports other failures as parseWith does when no key is unknown', () => {
    const r = parseStrictWith(S, { a: { speedMps: 'fast' } }, 'f.yaml');
    expect(r.ok ? 'ok' : formatError(r.error)).toBe(
      'invalid input at f.yaml:a.speedMps: Invalid input: expected number, received string',
    );
  });
});
