import t from 'tap';
import { LruCache } from '../../src/support/lru-cache.ts';

t.test('LruCache keeps at most its capacity and drops the least recently used', async (t) => {
  const cache = new LruCache<string, number>(2);
  cache.set('a', 1);
  cache.set('b', 2);
  t.equal(cache.get('a'), 1, 'a read makes a the most recently used');
  cache.set('c', 3);
  t.equal(cache.size, 2);
  t.equal(cache.get('b'), undefined, 'b, least recently used, went first');
  t.equal(cache.get('a'), 1);
  t.equal(cache.get('c'), 3);
  cache.set('c', 4);
  t.equal(cache.size, 2, 'setting a kept key replaces it');
  t.equal(cache.get('c'), 4);
});

t.test('LruCache.getOrSet makes a value once', async (t) => {
  const cache = new LruCache<string, number>(4);
  let made = 0;
  const make = () => ++made;
  t.equal(cache.getOrSet('x', make), 1);
  t.equal(cache.getOrSet('x', make), 1);
  t.equal(made, 1);
});
