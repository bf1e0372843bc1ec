/**
 * The social insurance change feed (社保经办): what each kind of event means for enrolment
 * (effective, renewed, changed, ended), that a signed 续订书 or 变更书 is no new contract, the
 * region filter, the settle hold-back and cursor paging.
 */
import t from 'tap';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { employerBody, testUscc } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { workerPhone } from '../helpers/worker-phone.ts';

const settleSeconds = 3;
const { app, platform, adminToken } = await createTestPlatform(t, { INSURANCE_FEED_SETTLE_SECONDS: String(settleSeconds) });
const admin = bearer(adminToken);
const settle = () => new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000 + 300));
const createEmployer = async (body: Record<string, unknown>) => (await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: admin, payload: body })).json();
const createOfficial = async (role: string, regionCode: string) =>
  bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/officials', headers: admin, payload: { name: `${role}-${regionCode}`, role, regionCode } })).json().apiKey);

const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const person = (name: string, first17: string, phone: string) => ({ ...example.worker, name, idNumber: first17 + residentIdCheckCharacter(first17), phone });

/** Created, sealed, sent and signed on the worker's phone; returns the contract. */
async function signed(employerKey: Record<string, string>, url: string, payload: object, worker: { name: string; idNumber: string; phone: string }) {
  const created = await app.inject({ method: 'POST', url, headers: employerKey, payload });
  if (created.statusCode !== 201) throw new Error(created.body);
  const contract = created.json() as { id: string; number: string };
  for (const step of ['seal', 'send']) {
    const done = await app.inject({ method: 'POST', url: `/api/v1/contracts/${contract.id}/${step}`, headers: employerKey });
    if (done.statusCode !== 200) throw new Error(done.body);
  }
  const phone = workerPhone(app, platform, worker);
  const result = await phone.sign(await phone.latestLink());
  if (result.statusCode !== 200) throw new Error(result.body);
  return contract;
}
const newContract = (employerKey: Record<string, string>, worker: { name: string; idNumber: string; phone: string }) =>
  signed(employerKey, '/api/v1/contracts', { templateId: template.id, fields: { ...example, worker } }, worker);

const yuncheng = await createEmployer(employerBody(91));
const taiyuan = await createEmployer({ ...employerBody(92), regionCode: '140105', uscc: testUscc(92) });
const yunchengKey = bearer(yuncheng.apiKey);
const workerA = example.worker;
const workerC = person('李娜', '14080219950512345', '13900000091');
const workerB = person('赵强', '14010519900307123', '13900000092');

const a = await newContract(yunchengKey, workerA);
const renewal = await signed(
  yunchengKey,
  `/api/v1/contracts/${a.id}/attachments`,
  { templateId: 'contract-renewal', fields: { termType: 'fixed', startDate: '2029-09-15', endDate: '2032-09-14' } },
  workerA,
);
const changeExample = platform.templates.get('contract-change')!.example as Record<string, unknown>;
const { worker: _w, priorContract: _p, ...changeFields } = changeExample;
const change = await signed(yunchengKey, `/api/v1/contracts/${a.id}/attachments`, { templateId: 'contract-change', fields: changeFields }, workerA);
const c = await newContract(yunchengKey, workerC);
const b = await newContract(bearer(taiyuan.apiKey), workerB);

const insurance = await createOfficial('insurance', '1408');
const taiyuanInsurance = await createOfficial('insurance', '1401');
const taiyuanInsuranceSix = await createOfficial('insurance', '140100');

interface FeedItem {
  cursor: string;
  change: string;
  contract: { id: string; endDate: string | null; worker: { idNumber: string }; employer: { uscc: string } };
}
async function page(official: Record<string, string>, after: string, limit = 500) {
  const response = await app.inject({ method: 'GET', url: `/api/v1/insurance/events?after=${after}&limit=${limit}`, headers: official });
  if (response.statusCode !== 200) throw new Error(response.body);
  return response.json() as { items: FeedItem[]; next: string };
}
const kinds = (items: FeedItem[]) => items.map((item) => `${item.change} ${item.contract.id}`);

await settle();

t.test('kinds: a new contract is effective; its 续订书 and 变更书 are renewed and changed, never effective', async (t) => {
  const { items } = await page(insurance, '0');
  t.same(kinds(items), [`effective ${a.id}`, `renewed ${a.id}`, `changed ${a.id}`, `effective ${c.id}`], 'in order of events');
  t.notOk(
    items.some((item) => item.contract.id === renewal.id || item.contract.id === change.id),
    'the signed attachments are not reported as contracts of their own',
  );
  t.equal(items.filter((item) => item.change === 'effective' && item.contract.worker.idNumber === workerA.idNumber).length, 1, 'one employment, one effective event');
  t.equal(items.find((item) => item.change === 'renewed')!.contract.endDate, '2032-09-14', 'the renewed contract runs to the renewal’s end');
});

t.test('region: each office sees its own region only, whether its code has four or six digits', async (t) => {
  const yunchengItems = (await page(insurance, '0')).items;
  t.notOk(
    yunchengItems.some((item) => item.contract.id === b.id),
    '运城 (1408) does not see the 太原 contract',
  );
  t.ok(yunchengItems.every((item) => item.contract.employer.uscc === yuncheng.uscc));
  for (const [label, official] of [
    ['1401', taiyuanInsurance],
    ['140100', taiyuanInsuranceSix],
  ] as const) {
    const { items } = await page(official, '0');
    t.same(kinds(items), [`effective ${b.id}`], `太原 (${label}) sees the 太原 contract only`);
  }
});

let cursor = '0';
t.test('ended: termination, and expiry at the end of a fixed term; each held back until it settles', async (t) => {
  cursor = (await page(insurance, '0')).next;
  const terminated = await app.inject({
    method: 'POST',
    url: `/api/v1/contracts/${a.id}/terminate`,
    headers: yunchengKey,
    payload: { ending: 'rescission', date: '2027-03-31', reason: '经双方协商一致解除' },
  });
  t.equal(terminated.statusCode, 200, terminated.body);
  t.same((await page(insurance, cursor)).items, [], `an event younger than ${settleSeconds} s is not delivered yet`);
  await settle();
  const ended = await page(insurance, cursor);
  t.same(kinds(ended.items), [`ended ${a.id}`], 'delivered once settled');
  cursor = ended.next;

  // The daily lifecycle job's event (until it lands, appended here as that job will).
  await platform.db.$transaction(async (tx) => {
    await tx.contract.update({ where: { id: c.id }, data: { status: 'expired' } });
    await platform.audit.append(tx, { chain: c.id, contractId: c.id, type: 'contract.expired', actor: { kind: 'system' }, data: { endDate: '2029-09-14' } });
  });
  t.same((await page(insurance, cursor)).items, [], 'held back');
  await settle();
  const expired = await page(insurance, cursor);
  t.same(kinds(expired.items), [`ended ${c.id}`], 'an expired contract has ended');
  t.same((await page(insurance, expired.next)).items, [], 'nothing after the last cursor');
});

t.test('paging: with any limit, every event exactly once, in order', async (t) => {
  const all = (await page(insurance, '0')).items;
  t.equal(all.length, 6, 'effective, renewed, changed, effective, ended, ended');
  for (const limit of [1, 2, 4]) {
    const seen: string[] = [];
    let after = '0';
    for (let i = 0; i < 20; i++) {
      const next = await page(insurance, after, limit);
      t.ok(next.items.length <= limit, `limit ${limit} respected`);
      if (!next.items.length) {
        t.equal(next.next, after, 'an empty page keeps the cursor');
        break;
      }
      seen.push(...next.items.map((item) => item.cursor));
      after = next.next;
    }
    t.same(
      seen,
      all.map((item) => item.cursor),
      `limit ${limit}: no event lost or repeated across pages`,
    );
  }
});
