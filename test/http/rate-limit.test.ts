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

t.test('X-Forwarded-For does not choose the client address unless a proxy is configured (TRUST_PROXY)', async (t) => {
  const from = (forwarded: string) => app.inject({ method: 'GET', url: '/healthz', remoteAddress: '192.0.2.10', headers: { 'x-forwarded-for': forwarded } });
  for (let i = 0; i < 3; i++) t.equal((await from(`198.51.100.${i + 1}`)).statusCode, 200);
  t.equal((await from('198.51.100.99')).statusCode, 429, 'a fourth spoofed address is still the same client');
});

t.test('requests that fail authentication are limited too', async (t) => {
  const garbage = () => app.inject({ method: 'GET', url: '/api/v1/me', remoteAddress: '192.0.2.20', headers: { authorization: 'Bearer lsk_not-a-key' } });
  for (let i = 0; i < 3; i++) t.equal((await garbage()).statusCode, 401);
  t.equal((await garbage()).statusCode, 429, 'the flood is cut off before keys are looked up');
  const anonymous = await app.inject({ method: 'POST', url: '/api/v1/contracts', remoteAddress: '192.0.2.20', payload: {} });
  t.equal(anonymous.statusCode, 429);
});
