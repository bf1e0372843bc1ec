/**
 * Webhooks end to end: endpoints registered over the API, contract events delivered over real
 * HTTP to a receiver that verifies every delivery with the Standard Webhooks reference library
 * (`standardwebhooks`); retries after failures, manual redelivery, secret rotation, disabling,
 * and the SSRF refusals. The receiver listens on 127.0.0.2, the one address WEBHOOK_ALLOWLIST allows.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { signedContract, workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t, {
  WEBHOOK_ALLOWLIST: '127.0.0.2/32',
  WEBHOOK_RETRY_DELAY_SECONDS: '1',
  WEBHOOK_ATTEMPTS: '6',
  WEBHOOK_DISABLE_AFTER_FAILURES: '3',
  WEBHOOK_DISABLE_AFTER_HOURS: '0',
  WEBHOOK_SECRET_GRACE_HOURS: '1',
});
const admin = bearer(adminToken);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(71) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;

interface Received {
  path: string;
  id: string;
  body: string;
  headers: Record<string, string>;
  status: number;
}
const received: Received[] = [];
/**
 * Answers 503 to the first `failFirst` deliveries of contract.sent on /ok (only that event, so the
 * order in which other events arrive cannot use up the failures); /fail always answers 500.
 */
const receiver = { failFirst: 2 };
const server = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
  let status = 200;
  const body = Buffer.concat(chunks).toString('utf8');
  if (req.url === '/fail') status = 500;
  else if (receiver.failFirst > 0 && (JSON.parse(body) as { type?: string }).type === 'contract.sent') {
    receiver.failFirst--;
    status = 503;
  }
  received.push({ path: req.url!, id: headers['webhook-id']!, body, headers, status });
  res.writeHead(status).end();
}).listen(0, '127.0.0.2');
await once(server, 'listening');
t.teardown(() => new Promise((resolve) => server.close(resolve)));
const base = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;

const register = (payload: unknown) => app.inject({ method: 'POST', url: '/api/v1/webhooks/endpoints', headers: employer, payload: payload as object });
const allEvents = ['contract.sent', 'contract.viewed', 'contract.signed', 'contract.declined', 'contract.voided', 'contract.link_expired', 'contract.terminated'];
async function until<T>(what: () => Promise<T | undefined> | T | undefined, label: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await what();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${label}`);
}
const log = async (endpointId: string) =>
  (await app.inject({ method: 'GET', url: `/api/v1/webhooks/endpoints/${endpointId}/messages`, headers: employer })).json().items as {
    id: string;
    eventType: string;
    status: string;
    attempts: { statusCode: number | null; manual: boolean }[];
  }[];

t.test('SSRF: loopback, private, link-local and names resolving to them are refused at registration', async (t) => {
  for (const url of [
    'http://127.0.0.1:9/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:9/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://100.64.0.1/hook',
    'http://localhost:9/hook',
  ]) {
    const response = await register({ url, events: ['contract.signed'] });
    t.equal(response.statusCode, 422, url);
    t.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
    t.match(response.json(), { errors: [{ field: 'url', rule: 'private_address', messageZh: /内网/ }] }, url);
  }
  t.match((await register({ url: 'ftp://example.org/x', events: ['contract.signed'] })).json(), { errors: [{ field: 'url', rule: 'http_or_https' }] });
  t.equal((await register({ url: `${base}/ok`, events: ['contract.nonsense'] })).statusCode, 400, 'unknown events are refused');
  t.match((await register({ url: `${base}/ok\u0000`, events: ['contract.signed'] })).json(), { status: 400, errors: [{ field: 'url' }] }, 'control characters are refused');
});

t.test('deliveries verified by the reference library; retries; redelivery; disabling; rotation', async (t) => {
  const ok = await register({ url: `${base}/ok`, events: allEvents, description: 'HR system' });
  t.equal(ok.statusCode, 201, ok.body);
  const good = ok.json() as { id: string; secret: string };
  t.match(good.secret, /^whsec_/);
  const failing = (await register({ url: `${base}/fail`, events: ['contract.sent', 'contract.signed'] })).json() as { id: string };
  await platform.startWorkers(0);

  const contract = await signedContract(app, platform, employer, template.id, example);
  t.equal(contract.signed.statusCode, 200, contract.signed.body);

  // Every delivery to /ok verifies with the reference library; the first two were answered 503 and retried.
  const delivered = await until(() => {
    const done = received.filter((r) => r.path === '/ok' && r.status === 200);
    return done.some((r) => JSON.parse(r.body).type === 'contract.signed') && done.some((r) => JSON.parse(r.body).type === 'contract.sent') ? done : undefined;
  }, 'sent and signed delivered');
  const verifier = new Webhook(good.secret);
  for (const r of received.filter((r) => r.path === '/ok')) t.doesNotThrow(() => verifier.verify(r.body, r.headers), `${r.id} verifies`);
  t.throws(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(delivered[0]!.body, delivered[0]!.headers), 'another secret does not verify');
  const signed = delivered.find((r) => JSON.parse(r.body).type === 'contract.signed')!;
  t.match(JSON.parse(signed.body), { type: 'contract.signed', timestamp: /Z$/, data: { contractId: contract.id, contractNumber: contract.number, level: 'B-LTA' } });
  t.notMatch(signed.body, new RegExp(example.worker.idNumber), 'no personal data in the payload');
  const sent = received.filter((r) => r.path === '/ok' && JSON.parse(r.body).type === 'contract.sent');
  t.ok(sent.length >= 3 && new Set(sent.map((r) => r.id)).size === 1, 'the retried message keeps its webhook-id');
  const sentLog = (await log(good.id)).find((m) => m.eventType === 'contract.sent')!;
  t.match(sentLog, { status: 'delivered', attempts: [{ statusCode: 503 }, { statusCode: 503 }, { statusCode: 200 }] }, 'the delivery log has every attempt');

  // The endpoint that always fails is disabled after 3 failed attempts (WEBHOOK_DISABLE_AFTER_HOURS=0 here).
  const disabled = await until(async () => {
    const endpoint = (await app.inject({ method: 'GET', url: `/api/v1/webhooks/endpoints/${failing.id}`, headers: employer })).json();
    return endpoint.enabled ? undefined : endpoint;
  }, 'the failing endpoint disabled');
  t.match(disabled, { enabled: false, disabledReason: /3 failed attempts in a row/, consecutiveFailures: 3 });

  // Manual redelivery: the same message (same webhook-id) again, logged as manual.
  const signedMessage = (await log(good.id)).find((m) => m.eventType === 'contract.signed')!;
  t.equal(signedMessage.id, signed.id);
  const before = received.filter((r) => r.id === signed.id).length;
  const redeliver = await app.inject({ method: 'POST', url: `/api/v1/webhooks/endpoints/${good.id}/messages/${signedMessage.id}/redeliver`, headers: employer });
  t.equal(redeliver.statusCode, 202, redeliver.body);
  await until(() => received.filter((r) => r.id === signed.id).length > before || undefined, 'redelivery');
  t.doesNotThrow(() => verifier.verify(received.at(-1)!.body, received.at(-1)!.headers));
  await until(async () => (await log(good.id)).find((m) => m.id === signed.id)!.attempts.some((a) => a.manual) || undefined, 'the manual attempt logged');

  // Rotation: during the grace period both secrets sign, so receivers on either verify.
  const rotated = (await app.inject({ method: 'POST', url: `/api/v1/webhooks/endpoints/${good.id}/rotate-secret`, headers: employer })).json();
  t.not(rotated.secret, good.secret);
  t.ok(rotated.previousSecretValidUntil);
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: template.id, fields: { ...example, probation: undefined } } });
  const second = created.json().id as string;
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${second}/seal`, headers: employer });
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${second}/send`, headers: employer });
  await workerPhone(app, platform, example.worker).latestLink();
  t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${second}/void`, headers: employer, payload: { reason: '岗位取消' } })).statusCode, 200);
  const voided = await until(() => received.find((r) => r.path === '/ok' && r.status === 200 && JSON.parse(r.body).type === 'contract.voided'), 'voided delivered');
  t.match(voided.headers['webhook-signature'], /^v1,\S+ v1,\S+$/, 'two signatures during the grace period');
  t.doesNotThrow(() => new Webhook(rotated.secret).verify(voided.body, voided.headers), 'the new secret verifies');
  t.doesNotThrow(() => new Webhook(good.secret).verify(voided.body, voided.headers), 'the old secret still verifies');
  t.equal(received.filter((r) => r.path === '/fail' && JSON.parse(r.body).data.contractId === second).length, 0, 'nothing is sent to a disabled endpoint');

  // Reviving the disabled endpoint starts its failure count again.
  const revived = (await app.inject({ method: 'PATCH', url: `/api/v1/webhooks/endpoints/${failing.id}`, headers: employer, payload: { enabled: true } })).json();
  t.match(revived, { enabled: true, consecutiveFailures: 0, disabledReason: null });
});

t.test('another employer sees none of these endpoints', async (t) => {
  const other = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(72) })).json().apiKey);
  t.same((await app.inject({ method: 'GET', url: '/api/v1/webhooks/endpoints', headers: other })).json(), { items: [] });
  const mine = (await app.inject({ method: 'GET', url: '/api/v1/webhooks/endpoints', headers: employer })).json().items[0];
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/webhooks/endpoints/${mine.id}`, headers: other })).statusCode, 404);
});
