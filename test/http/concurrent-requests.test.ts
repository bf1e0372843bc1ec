/**
 * Requests that arrive together: the first contracts of a template version created at once (the
 * version row was inserted by each, and all but one failed with a 500), and signing links opened
 * at once. Every answer is what it would be alone.
 */
import t from 'tap';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { workerFor } from '../helpers/batch-checks.ts';
import { phoneUserAgent, workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(43) })).json().apiKey);
const example = platform.templates.get('labor-contract-general')!.example as Record<string, unknown>;
const fieldsFor = (n: number) => ({ ...example, worker: { ...(example.worker as object), ...workerFor(n) } });

t.test('the first contracts of a template version, created at once, are all created', async (t) => {
  const answers = await Promise.all(
    [1, 2, 3, 4, 5, 6].map((n) => app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields: fieldsFor(n) } })),
  );
  for (const answer of answers) t.equal(answer.statusCode, 201, answer.body.slice(0, 300));
  t.equal(await platform.db.templateVersion.count({ where: { templateId: 'labor-contract-general' } }), 1, 'one version row');
});

t.test('signing links opened at once all open', async (t) => {
  const tokens: string[] = [];
  for (let n = 11; n <= 18; n++) {
    const fields = fieldsFor(n);
    const { id } = (await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields } })).json();
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/seal`, headers: employer })).statusCode, 200);
    t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/send`, headers: employer })).statusCode, 200);
    tokens.push(await workerPhone(app, platform, fields.worker as { name: string; idNumber: string; phone: string }).latestLink());
  }
  const opened = await Promise.all(tokens.map((token) => app.inject({ method: 'GET', url: `/api/v1/signing/${token}`, headers: phoneUserAgent })));
  for (const answer of opened) t.equal(answer.statusCode, 200, answer.body.slice(0, 300));
});
