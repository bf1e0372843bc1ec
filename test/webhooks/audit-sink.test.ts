/**
 * Each platform's audit log hands its events to its own webhooks: a second platform started
 * and stopped in the same process (a test run, a restart) does not take them away. They were
 * wired through module state that the last platform set and cleared.
 */
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';

const { app, platform, adminToken } = await createTestPlatform(t, { WEBHOOK_ALLOWLIST: '127.0.0.2/32' });
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(81) })).json().apiKey);
const registered = await app.inject({ method: 'POST', url: '/api/v1/webhooks/endpoints', headers: employer, payload: { url: 'http://127.0.0.2:9/hook', events: ['contract.sent'] } });
if (registered.statusCode !== 201) throw new Error(registered.body);

t.test('a contract sent after another platform stopped still queues its webhook', async (t) => {
  const other = await createTestPlatform(t);
  await other.stop!();
  const example = platform.templates.get('labor-contract-general')!.example as Record<string, unknown>;
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields: example } });
  t.equal(created.statusCode, 201, created.body);
  for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${created.json().id}/${step}`, headers: employer })).statusCode, 200, step);
  t.equal(await platform.db.webhookMessage.count({ where: { eventType: 'contract.sent' } }), 1, 'one contract.sent message for the endpoint');
});
