// The statement cache's eviction: bounded, and what is used stays while what is not goes first.
import { SecondChanceCache } from '../../../../src/adapters/store/second-chance-cache';

function filled(keys: string[], capacity: number): { cache: SecondChanceCache<string>; created: string[] } {
  const cache = new SecondChanceCache<string>(capacity);
  const created: string[] = [];
  for (const key of keys)
    cache.get(key, () => {
      created.push(key);
      return `value of ${key}`;
    });
  return { cache, created };
}

it('creates a value once and answers it from the cache after', () => {
  const { cache, created } = filled(['a', 'b', 'a', 'a'], 10);
  expect(created).toEqual(['a', 'b']);
  expect(cache.get('a', () => 'new')).toBe('value of a');
});

it('never holds more than its capacity, dropping the oldest unused entry first', () => {
  const { cache } = filled(['a', 'b', 'c'], 3);
  cache.get('d', () => 'd');
  expect(cache.size).toBe(3);
  expect(['a', 'b', 'c', 'd'].filter((k) => cache.has(k))).toEqual(['b', 'c', 'd']);
});

it('keeps an entry used since it was stored: the next unused one goes instead', () => {
  const { cache } = filled(['a', 'b', 'c'], 3);
  cache.get('a', () => 'again'); // used: a second chance
  cache.get('d', () => 'd');
  expect(['a', 'b', 'c', 'd'].filter((k) => cache.has(k))).toEqual(['a', 'c', 'd']);
  // Its chance spent, `a` goes before `c` and `d` unless used again.
  cache.get('e', () => 'e');
  cache.get('f', () => 'f');
  expect(['a', 'c', 'd', 'e', 'f'].filter((k) => cache.has(k))).toEqual(['d', 'e', 'f']);
});

it('evicts even when every entry was used (each loses its mark in turn)', () => {
  const { cache } = filled(['a', 'b'], 2);
  cache.get('a', () => 'x');
  cache.get('b', () => 'x');
  cache.get('c', () => 'c');
  expect(cache.size).toBe(2);
  expect(cache.has('c')).toBe(true);
});

it('refuses a capacity below one', () => {
  expect(() => new SecondChanceCache(0)).toThrow('at least one entry');
});
