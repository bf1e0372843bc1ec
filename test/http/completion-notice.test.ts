/**
 * When the worker signs, both parties are told by SMS (through the outbox, in the signing
 * transaction): the employer at its registered phone (kind `signed-employer`: who signed, which
 * contract, now in force) and the worker (kind `signed-worker`: which employer, which contract,
 * where to find it free). Read back through the development outbox over HTTP. Nothing of the
 * kind goes out before the signature, nor when the worker declines.
 */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t, { PUBLIC_BASE_URL: 'https://laborsign.example.cn' });
const admin = bearer(adminToken);
const employerPhone = '13512340321';
const withPhone = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: { ...employerBody(321), phone: employerPhone } })).json();
const withoutPhone = (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: employerBody(322) })).json();
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;

type Message = { id: string; kind: string; status: string; to: string; text: string };
/** The development outbox over HTTP, newest first. */
async function outbox(phone: string): Promise<Message[]> {
  const response = await app.inject({ method: 'GET', url: `/api/v1/dev/outbox?phone=${phone}&limit=200` });
  if (response.statusCode !== 200) throw new Error(response.body);
  return response.json().items as Message[];
}

let workerNumber = 0;
function newWorker() {
  workerNumber++;
  const first17 = `14080219920404${String(workerNumber).padStart(3, '0')}`;
  return { ...example.worker, name: `王${'一二三四五六七八九'[workerNumber - 1]}`, idNumber: first17 + residentIdCheckCharacter(first17), phone: `1360032${String(workerNumber).padStart(4, '0')}` };
}

async function sent(employerKey: Record<string, string>, worker: { name: string; idNumber: string; phone: string }) {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employerKey, payload: { templateId: template.id, fields: { ...example, worker } } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const contract = created.json() as { id: string; number: string };
  for (const step of ['seal', 'send']) {
    const done = await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/${step}`, headers: employerKey });
    if (done.statusCode !== 200) throw new Error(`${step}: ${done.body}`);
  }
  const phone = workerPhone(app, platform, worker);
  return { ...contract, phone, token: await phone.latestLink() };
}

const signedKinds = ['signed-employer', 'signed-worker'];

t.test('after the worker signs, the employer and the worker each get a completion SMS naming the contract', async (t) => {
  const worker = newWorker();
  const contract = await sent(bearer(withPhone.apiKey), worker);
  const employerBefore = await outbox(employerPhone);
  t.notOk(
    employerBefore.some((m) => signedKinds.includes(m.kind)),
    'nothing of the kind before the signature',
  );
  t.notOk(
    (await outbox(worker.phone)).some((m) => signedKinds.includes(m.kind)),
    'the worker has only the link so far',
  );

  const signed = await contract.phone.sign(contract.token);
  t.equal(signed.statusCode, 200, signed.body);

  const toEmployer = (await outbox(employerPhone)).filter((m) => m.kind === 'signed-employer');
  t.equal(toEmployer.length, 1, 'one completion message to the employer');
  t.equal(toEmployer[0]!.to, employerPhone, 'at the employer’s registered phone');
  t.ok(toEmployer[0]!.text.includes(contract.number), `it names the contract number: ${toEmployer[0]!.text}`);
  t.ok(toEmployer[0]!.text.includes(worker.name), 'and the worker who signed');
  t.match(toEmployer[0]!.text, /已签署/, 'says it is signed, in Chinese');
  t.match(toEmployer[0]!.text, /生效/, 'and in force');
  t.match(toEmployer[0]!.text, /^【劳签】/, 'with the platform’s SMS signature');
  t.notOk(toEmployer[0]!.text.includes(worker.idNumber), 'no ID number in an SMS');

  const toWorker = (await outbox(worker.phone)).filter((m) => m.kind === 'signed-worker');
  t.equal(toWorker.length, 1, 'one completion message to the worker');
  t.equal(toWorker[0]!.to, worker.phone, 'at the worker’s phone');
  t.ok(toWorker[0]!.text.includes(contract.number), `it names the contract number: ${toWorker[0]!.text}`);
  t.ok(toWorker[0]!.text.includes(withPhone.name), 'and the employer');
  t.match(toWorker[0]!.text, /已签署生效/);
  t.match(toWorker[0]!.text, /免费/, 'viewing and downloading are free');
  t.ok(toWorker[0]!.text.includes('https://laborsign.example.cn/w'), 'where to find it: 我的合同 at the public address');
  t.notOk(
    (await outbox(employerPhone)).some((m) => m.kind === 'signed-worker'),
    'the worker’s message does not go to the employer',
  );
  t.notOk(
    (await outbox(worker.phone)).some((m) => m.kind === 'signed-employer'),
    'nor the employer’s to the worker',
  );
});

t.test('an employer without a phone gets no SMS; the worker still does', async (t) => {
  const worker = newWorker();
  const contract = await sent(bearer(withoutPhone.apiKey), worker);
  const signed = await contract.phone.sign(contract.token);
  t.equal(signed.statusCode, 200, signed.body);
  const toWorker = (await outbox(worker.phone)).filter((m) => m.kind === 'signed-worker');
  t.equal(toWorker.length, 1);
  t.ok(toWorker[0]!.text.includes(contract.number));
  const all = await platform.outbox.list({ limit: 200 });
  t.notOk(
    all.some((m) => m.kind === 'signed-employer' && m.text.includes(contract.number)),
    'no employer message for this contract',
  );
});

t.test('a declined contract sends no completion message', async (t) => {
  const worker = newWorker();
  const contract = await sent(bearer(withPhone.apiKey), worker);
  await contract.phone.post(contract.phone.api(contract.token, '/read'));
  const declined = await contract.phone.post(contract.phone.api(contract.token, '/decline'), { reason: '薪资与面谈时不一致' });
  t.equal(declined.statusCode, 200, declined.body);
  t.notOk(
    (await outbox(worker.phone)).some((m) => m.kind === 'signed-worker'),
    'the worker is not told it is in force',
  );
  const toEmployer = (await outbox(employerPhone)).filter((m) => m.text.includes(contract.number));
  t.same(
    toEmployer.map((m) => m.kind),
    ['declined-employer'],
    'the employer hears of the refusal only',
  );
});
