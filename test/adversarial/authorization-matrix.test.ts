/**
 * The authorization matrix: every route of /openapi.json × every kind of caller, against the
 * expected outcomes in authorization-table.ts. A route without a row fails, a row without a
 * route fails, and the nine leaks of issue 19 are named rows that must be denied.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { todayInShanghai } from '../../src/domain/calendar.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { signaturePng, signedContract, workerPhone } from '../helpers/worker-phone.ts';
import { authorizationTable, expected, namedLeaks, principals, type PrincipalName } from './authorization-table.ts';

const { app, platform, adminToken } = await createTestPlatform(t, { RATE_LIMIT_PER_MINUTE: '100000', INSURANCE_FEED_SETTLE_SECONDS: '0' });
const admin = bearer(adminToken);
const post = async (url: string, headers: Record<string, string>, payload: unknown) => {
  const response = await app.inject({ method: 'POST', url, headers, payload: payload as object });
  if (response.statusCode >= 300) throw new Error(`${url}: ${response.body}`);
  return response.json();
};

// --- the world: employer A (运城 1408) and B (太原 1401), each with a signed and a sent contract
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const person = (name: string, first17: string, phone: string) => ({ ...example.worker, name, idNumber: first17 + residentIdCheckCharacter(first17), phone });
const workerA = person('钱多多', '14080219880512123', '13900000071');
const workerB = person('孙少平', '14010519900307123', '13900000072');
const employerA = await post('/api/v1/admin/employers', admin, employerBody(71));
const employerB = await post('/api/v1/admin/employers', admin, { ...employerBody(72), regionCode: '140105', uscc: testUscc(72) });
const keyA = bearer(employerA.apiKey);
const keyB = bearer(employerB.apiKey);

const a1 = await signedContract(app, platform, keyA, template.id, { ...example, worker: workerA });
const b1 = await signedContract(app, platform, keyB, template.id, { ...example, worker: workerB });
async function sentContract(key: Record<string, string>, worker: typeof workerA) {
  const contract = await post('/api/v1/contracts', key, { templateId: template.id, fields: { ...example, probation: undefined, worker } });
  await post(`/api/v1/contracts/${contract.id}/seal`, key, undefined);
  await post(`/api/v1/contracts/${contract.id}/send`, key, undefined);
  return { id: contract.id as string, number: contract.number as string, token: await workerPhone(app, platform, worker).latestLink() };
}
// A's webhook endpoint (an address literal: registration resolves nothing) receives a2's contract.sent.
const hookA = await post('/api/v1/webhooks/endpoints', keyA, { url: 'https://1.1.1.1:1/hook', events: ['contract.sent'] });
await post('/api/v1/webhooks/endpoints', keyB, { url: 'https://1.1.1.1:1/hook', events: ['contract.sent'] });
const a2 = await sentContract(keyA, workerA);
const messageA = `msg_${(await platform.db.webhookMessage.findFirstOrThrow({ where: { endpointId: hookA.id } })).id}`;
const b2 = await sentContract(keyB, workerB);
for (const [key, worker] of [
  [keyA, workerA],
  [keyB, workerB],
] as const) {
  await post('/api/v1/roster/hires', key, { worker: { name: worker.name, idNumber: worker.idNumber }, hireDate: '2026-09-15', employmentForm: 'labor_contract' });
}
const now = Date.now();
const authorisation = { templateIds: [template.id], validFrom: new Date(now - 60_000).toISOString(), validUntil: new Date(now + 3_600_000).toISOString(), grantedBy: '张三（法定代表人）' };
const authA = await post('/api/v1/seal-authorisations', keyA, authorisation);
await post('/api/v1/seal-authorisations', keyB, authorisation);
// A batch of A: one row, a worker of its own, not sent; worked in this process.
await platform.startWorkers(1);
const { worker: _worker, probation: _probation, ...shared } = example as Record<string, unknown>;
// A console user of A: every caller who knows the password may sign in (the route is public).
await post('/api/v1/staff', keyA, { username: 'matrix.a', displayName: '矩阵', role: 'hr_clerk', password: 'matrix password' });
const batchA = await post('/api/v1/batches', keyA, { templateId: template.id, shared, rows: [{ worker: person('吴批量', '14080219950101123', '13900000073') }], send: false });

// Its progress stream ends once the batch is finished: wait for that.
for (let i = 0; i < 600 && !(await app.inject({ method: 'GET', url: `/api/v1/batches/${batchA.id}`, headers: keyA })).json().finished; i++) await new Promise((resolve) => setTimeout(resolve, 200));

const official = async (role: string, regionCode: string) => bearer((await post('/api/v1/admin/officials', admin, { name: `${role}-${regionCode}`, role, regionCode })).apiKey);
const portalSession = async (worker: typeof workerA) => {
  const phone = workerPhone(app, platform, worker);
  await post('/api/v1/portal/code', {}, { phone: worker.phone });
  return { 'x-portal-session': (await post('/api/v1/portal/login', {}, { phone: worker.phone, code: await phone.latestCode() })).token as string };
};
const credentials: Record<PrincipalName, { headers: Record<string, string>; token?: string }> = {
  anonymous: { headers: {} },
  'garbage-key': { headers: bearer(`lsk_${randomBytes(32).toString('base64url')}`) },
  admin: { headers: admin },
  'employer-a': { headers: keyA },
  'employer-b': { headers: keyB },
  'insurance-own': { headers: await official('insurance', '140800') },
  'insurance-other': { headers: await official('insurance', '140100') },
  'arbitration-own': { headers: await official('arbitration', '140800') },
  'arbitration-other': { headers: await official('arbitration', '140100') },
  'inspection-own': { headers: await official('inspection', '140800') },
  'inspection-other': { headers: await official('inspection', '140100') },
  'employment-own': { headers: await official('employment', '140800') },
  'employment-other': { headers: await official('employment', '140100') },
  'worker-a': { headers: await portalSession(workerA) },
  'worker-b': { headers: await portalSession(workerB) },
  'link-a': { headers: {}, token: a2.token },
  'link-b': { headers: {}, token: b2.token },
};

// An alert of A's (the hire of 2026-09-15 signed later than the hire), for the per-alert view.
const alertA =
  (await platform.namedAlerts.selfCheck(employerA.id, todayInShanghai(), { limit: 1 })).items[0] ??
  (() => {
    throw new Error('employer A has no alert to view');
  })();
const signedPdf = (await app.inject({ method: 'GET', url: `/api/v1/contracts/${a1.id}/pdf`, headers: keyA })).rawPayload;
const png = Buffer.from(signaturePng.split(',')[1]!, 'base64');
const why = { purpose: '核查劳动合同', caseNumber: '晋运劳仲案字〔2026〕第1号' };
const query = (values: Record<string, string>) => `?${new URLSearchParams(values)}`;

const hireOfB = person('周新', '14010519920202123', '13900000074').idNumber;

/** The request a route gets: path parameters aimed at A's records, a valid body, and a query. */
function requestFor(route: string, principal: PrincipalName): { url: string; payload?: unknown; headers?: Record<string, string> } {
  const [, path] = route.split(' ') as [string, string];
  const token = credentials[principal].token ?? randomBytes(32).toString('base64url');
  const target: Record<string, string> = {
    id: path.startsWith('/api/v1/webhooks')
      ? hookA.id
      : path.startsWith('/api/v1/batches')
        ? batchA.id
        : path.startsWith('/api/v1/seal-authorisations')
          ? authA.id
          : path.startsWith('/api/v1/employers')
            ? employerA.id
            : path.startsWith('/api/v1/templates')
              ? template.id
              : a1.id,
    messageId: messageA,
    token,
    uscc: employerA.uscc,
    alertId: alertA.id,
    serial: '0'.repeat(16),
    format: 'csv',
    file: path.startsWith('/pki/crl') ? 'root.crl' : 'root.cer',
  };
  const url = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(target[name]!));
  const queries: Record<string, string> = {
    'GET /api/v1/government/contracts/{id}': query(why),
    'GET /api/v1/government/contracts/{id}/pdf': query(why),
    'GET /api/v1/inspection/employers': query({ region: '1408', ...why }),
    'GET /api/v1/inspection/employers/{uscc}': query(why),
    'GET /api/v1/inspection/employers/{uscc}/alerts': query(why),
    'GET /api/v1/inspection/employers/{uscc}/alerts/{alertId}': query(why),
    'GET /api/v1/inspection/employers/{uscc}/paper-contracts': query(why),
    'GET /api/v1/employment/hires': query({ region: '1408', from: '2026-01-01', to: '2026-12-31', include: 'all', ...why }),
    'GET /api/v1/inspection/overview': query({ region: '1408', ...why }),
    'GET /api/v1/inspection/ranking': query({ region: '1408', ...why }),
    'GET /api/v1/inspection/ranking.csv': query({ region: '1408', ...why }),
  };
  const contractRequest = { templateId: template.id, fields: { ...example, probation: undefined, worker: workerA } };
  const csv = (text: string) => ({ payload: text, headers: { 'content-type': 'text/csv' } });
  const bodies: Record<string, { payload?: unknown; headers?: Record<string, string> }> = {
    'POST /pki/ocsp': { payload: Buffer.from('3003020100', 'hex'), headers: { 'content-type': 'application/ocsp-request' } },
    'POST /tsa': { payload: Buffer.from('3003020100', 'hex'), headers: { 'content-type': 'application/timestamp-query' } },
    'POST /api/v1/verify': { payload: signedPdf, headers: { 'content-type': 'application/pdf' } },
    'POST /api/v1/portal/code': { payload: { phone: workerA.phone } },
    'POST /api/v1/portal/login': { payload: { phone: workerA.phone, code: '000000' } },
    'POST /api/v1/admin/employers': { payload: employerBody(80 + principals.indexOf(principal)) },
    'POST /api/v1/admin/officials': { payload: { name: '新官员', role: 'inspection', regionCode: '1408' } },
    'POST /api/v1/admin/supervision/run': { payload: { asOf: '2026-10-01' } },
    'POST /api/v1/admin/lifecycle/sweep': { payload: {} },
    'POST /api/v1/admin/certificates/{serial}/revoke': { payload: { reason: 'no-such-reason' } },
    'PUT /api/v1/employers/me/profile': { payload: { industry: 'C' } },
    'PUT /api/v1/employers/me/seal-image': { payload: png, headers: { 'content-type': 'image/png' } },
    'POST /api/v1/console/session': { payload: { username: 'matrix.a', password: 'matrix password' } },
    'POST /api/v1/staff': { payload: { username: `matrix.${principal}`, displayName: '新用户', role: 'hr_clerk', password: 'matrix password' } },
    'POST /api/v1/contracts/validate': { payload: contractRequest },
    'POST /api/v1/contracts/preview': { payload: contractRequest },
    'POST /api/v1/contracts': { payload: contractRequest },
    'POST /api/v1/contracts/{id}/void': { payload: { reason: '岗位取消' } },
    'POST /api/v1/contracts/{id}/terminate': { payload: { ending: 'termination', date: '2027-09-14', reason: '劳动合同期满（劳动合同法第四十四条）' } },
    'POST /api/v1/contracts/{id}/attachments': { payload: { templateId: 'no-such-template', fields: {} } },
    'POST /api/v1/batches': { payload: { templateId: template.id, rows: [{ worker: { name: '某' } }] }, headers: { 'idempotency-key': `matrix-${principal}` } },
    'POST /api/v1/batches/sheet': csv('姓名\n某\n'),
    'POST /api/v1/seal-authorisations': { payload: authorisation },
    'POST /api/v1/webhooks/endpoints': { payload: { url: 'https://1.1.1.1:1/hook', events: ['contract.signed'] } },
    'PATCH /api/v1/webhooks/endpoints/{id}': { payload: { description: 'HR' } },
    'POST /api/v1/seal-authorisations/{id}/revoke': { payload: { revokedBy: '张三（法定代表人）' } },
    // Employer B hires and separates a person of its own: were it worker A, B's roster list and 自查 would rightly show A's ID number.
    'POST /api/v1/roster/hires': { payload: { worker: { name: '周新', idNumber: principal === 'employer-b' ? hireOfB : workerA.idNumber }, hireDate: '2026-09-16', employmentForm: 'labor_contract' } },
    'POST /api/v1/roster/separations': { payload: { idNumber: principal === 'employer-b' ? hireOfB : workerA.idNumber, separationDate: '2026-11-30', kind: 'resignation' } },
    'POST /api/v1/roster/hires/bulk': csv('姓名,身份证号码\n'),
    'POST /api/v1/paper-contracts': {
      payload: {
        worker: { name: '周新', idNumber: workerA.idNumber },
        employmentForm: 'labor_contract',
        termType: 'open_ended',
        startDate: '2020-01-01',
        signedOn: '2020-01-01',
        scanBase64: 'bm90IGEgcGRm',
      },
    },
    'POST /api/v1/paper-contracts/{id}/renewal': { payload: { contractId: a2.id } },
    'POST /api/v1/insurance/contracts': { payload: { idNumber: workerA.idNumber, ...why } },
    'POST /api/v1/government/workers/contracts': { payload: { idNumber: workerA.idNumber, ...why } },
    'POST /api/v1/arbitration/evidence': { payload: { ...why, contractId: a1.id } },
    'POST /api/v1/arbitration/cases': { payload: { caseNumber: why.caseNumber, contractId: a1.id } },
    'POST /api/v1/inspection/cases': { payload: { caseNumber: '晋运监察〔2026〕第1号', contractId: a1.id } },
    'POST /api/v1/signing/{token}/identity': { payload: { name: '冒名者', idNumber: workerA.idNumber } },
    'POST /api/v1/signing/{token}/prepare': { payload: { code: '000000', publicKey: 'A'.repeat(120), signatureImage: signaturePng, intent: true } },
    'POST /api/v1/signing/{token}/complete': { payload: { sessionId: '01900000-0000-7000-8000-000000000000', signature: 'A'.repeat(120) } },
    'POST /api/v1/signing/{token}/decline': { payload: { reason: '工资与约定不符' } },
  };
  return { url: url + (queries[route] ?? ''), ...bodies[route] };
}

/** What of A must never reach a caller who may not see it. */
const personalOfA = [workerA.name, workerA.idNumber, workerA.phone, a1.number, a2.number];
const recordsOfA = [...personalOfA, a1.id, a2.id, batchA.id, authA.id];

const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
const routes = Object.entries(spec.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
// Routes that change A's contracts run last, so every other row sees them as set up.
const changing = ['POST /api/v1/contracts/{id}/terminate', 'POST /api/v1/signing/{token}/decline'];
const ordered = [...routes.filter((r) => !changing.includes(r)), ...changing.filter((r) => routes.includes(r))];

t.test('every route of the OpenAPI document has a row, and every row a route', async (t) => {
  t.ok(routes.length > 50, `${routes.length} routes`);
  t.same(
    routes.filter((route) => !authorizationTable[route]),
    [],
    'routes without a row',
  );
  t.same(
    Object.keys(authorizationTable).filter((route) => !routes.includes(route)),
    [],
    'rows without a route',
  );
});

t.test('the nine leaks of issue 19 are rows that deny', async (t) => {
  t.equal(namedLeaks.length, 9);
  for (const leak of namedLeaks) t.equal(expected(leak.route, leak.principal), 'deny', `${leak.principal} × ${leak.route}`);
});

const observed = new Map<string, { status: number; outcome: string }>();
t.test('every route × every caller answers as the table says', async (t) => {
  let requests = 0;
  const slowest: Record<string, number> = {};
  const mismatches: string[] = [];
  for (const route of ordered) {
    if (!authorizationTable[route]) continue;
    const [method] = route.split(' ') as [string];
    for (const [index, principal] of principals.entries()) {
      const want = expected(route, principal);
      const request = requestFor(route, principal);
      const started = performance.now();
      const answer = app.inject({
        method: method as 'GET',
        url: request.url,
        headers: { ...credentials[principal].headers, ...request.headers },
        ...(request.payload !== undefined ? { payload: request.payload as object } : {}),
        // Each caller from its own address, as the per-address limits of the login routes expect.
        remoteAddress: `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`,
      });
      const response = await Promise.race([answer, sleep(60_000, undefined, { ref: false })]);
      if (!response) {
        mismatches.push(`${principal} × ${route}: no answer within 60 s`);
        continue;
      }
      requests++;
      const took = performance.now() - started;
      if (took > (slowest[route] ?? 0)) slowest[route] = took;
      const status = response.statusCode;
      const denied = status === 401 || status === 403 || status === 404;
      const body = response.headers['content-type']?.toString().startsWith('application/pdf') ? '' : response.body;
      const leaked = (want === 'allow' ? [] : want === 'blind' ? recordsOfA : personalOfA).filter((marker) => body.includes(marker));
      const got = status >= 500 ? '5xx' : denied ? 'deny' : leaked.length ? 'leak' : want === 'blind' ? 'blind' : 'allow';
      observed.set(`${route}|${principal}`, { status, outcome: got });
      if (route.split(' ')[1]!.startsWith('/api/') && response.headers['cache-control'] !== 'no-store')
        mismatches.push(`${principal} × ${route}: Cache-Control ${response.headers['cache-control']}, not no-store`);
      if (got !== want) mismatches.push(`${principal} × ${route}: expected ${want}, got ${status} (${got}${leaked.length ? `: ${leaked.join(', ')}` : ''}) ${response.body.slice(0, 160)}`);
    }
  }
  t.same(mismatches, [], `${requests} requests, ${routes.length} routes × ${principals.length} callers`);
  t.equal(requests, routes.length * principals.length);
  t.comment(
    `slowest: ${Object.entries(slowest)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 5)
      .map(([route, ms]) => `${route} ${Math.round(ms)} ms`)
      .join('; ')}`,
  );
});

t.test('the nine leaks are denied', async (t) => {
  for (const leak of namedLeaks) {
    const seen = observed.get(`${leak.route}|${leak.principal}`);
    t.equal(seen?.outcome, 'deny', `${leak.principal} × ${leak.route}: ${seen?.status}`);
  }
});

// Keep B's records reachable for B (the table's "blind" callers act on their own): a sanity check.
t.test('employer B still reads its own contract', async (t) => {
  t.equal((await app.inject({ method: 'GET', url: `/api/v1/contracts/${b1.id}`, headers: keyB })).statusCode, 200);
});
