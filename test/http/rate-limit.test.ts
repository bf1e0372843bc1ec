/** Over the per-minute limit a client gets 429 as problem+json, explained in Chinese too. */
import t from 'tap';
import { createTestPlatform } from '../helpers/platform.ts';

const { app } = await createTestPlatform(t, { RATE_LIMIT_PER_MINUTE: '3' });

t.test('the fourth request in a minute is refused with 429', async (t) => {
  for (let i = 0; i < 3; i++) t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  const refused = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(refused.statusCode, 429);
  t.match(refused.headers['content-type'], /application\/problem\+json/);
  t.match(refused.json(), { status: 429, errors: [{ rule: 'rate_limit', messageZh: '操作过于频繁，请稍后再试' }] });
});
