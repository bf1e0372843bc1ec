/**
 * Two attempts at one worker step on one contract, at once: signing through two sessions,
 * declining twice, and two signed 变更书 amending the same contract. Both attempts read the
 * contract before either writes it (a transaction here holds the row until both wait on it),
 * so exactly one moves it and the other answers 409, not a 500 or a lost update.
 */
import { webcrypto } from 'node:crypto';
import t from 'tap';
import pg from 'pg';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { phoneKey, signaturePng, signedContract, workerPhone } from '../helpers/worker-phone.ts';
import { workerFor } from '../helpers/batch-checks.ts';

const { app, platform, adminToken, state } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(57) })).json().apiKey);
const example = platform.templates.get('labor-contract-general')!.example as Record<string, unknown>;
const changeExample = platform.templates.get('contract-change')!.example as Record<string, unknown>;
const { worker: _worker, priorContract: _prior, employer: _employer, ...changeFields } = changeExample;
type Worker = { name: string; idNumber: string; phone: string };
const fieldsFor = (n: number) => ({ ...example, worker: { ...(example.worker as object), ...workerFor(n) } as Worker });

/** A contract created, sealed and sent; its worker's phone and link. */
async function sentContract(n: number) {
  const fields = fieldsFor(n);
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId: 'labor-contract-general', fields } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const id = created.json().id as string;
  for (const step of ['seal', 'send']) {
    const done = await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/${step}`, headers: employer });
    if (done.statusCode !== 200) throw new Error(`${step}: ${done.body}`);
  }
  const phone = workerPhone(app, platform, fields.worker);
  return { id, phone, token: await phone.latestLink() };
}

/** Phase one of a signature on the link (the code is the latest texted); the complete request, not sent. */
async function preparedSignature(phone: ReturnType<typeof workerPhone>, token: string, code?: string) {
  const { keys, spki } = await phoneKey();
  const prepared = await phone.post(phone.api(token, '/prepare'), { code: code ?? (await phone.latestCode()), publicKey: spki, signatureImage: signaturePng, intent: true });
  if (prepared.statusCode !== 200) throw new Error(prepared.body);
  const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(prepared.json().signedAttributes, 'base64')));
  return () => phone.post(phone.api(token, '/complete'), { sessionId: prepared.json().sessionId, signature: signature.toString('base64') });
}

async function readAndVerify(phone: ReturnType<typeof workerPhone>, token: string, worker: Worker) {
  await phone.post(phone.api(token, '/read'));
  const identity = await phone.post(phone.api(token, '/identity'), { name: worker.name, idNumber: worker.idNumber });
  if (identity.statusCode !== 200) throw new Error(identity.body);
}

/**
 * Runs the requests while another transaction holds the contract row: once both wait on it
 * (they have read the contract, and neither has written it), the row is released.
 */
async function whileRowHeld(contractId: string, requests: Array<() => Promise<{ statusCode: number; body: string }>>) {
  const holder = new pg.Client({ connectionString: state!.databaseUrl });
  await holder.connect();
  await holder.query('begin');
  await holder.query('select 1 from "Contract" where id = $1 for update', [contractId]);
  let settled = 0;
  const answers = requests.map((request) => request().finally(() => settled++));
  try {
    for (;;) {
      const { rows } = await holder.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()`);
      if (rows[0]!.n >= requests.length) break;
      // An attempt that answered without reaching the row is a test setup fault: say so, not hang.
      if (settled > 0) throw new Error(`an attempt answered before writing: ${(await Promise.race(answers)).body.slice(0, 300)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await holder.query('rollback');
    await holder.end();
  }
  return Promise.all(answers);
}

const statuses = (answers: Array<{ statusCode: number }>) => answers.map((a) => a.statusCode).sort();

t.test('two sessions on one link signing at once: one signs, the other is a 409', async (t) => {
  const { id, phone, token } = await sentContract(1);
  await readAndVerify(phone, token, fieldsFor(1).worker);
  const first = await preparedSignature(phone, token);
  // A second code for the second tab, as a minute later (a code is texted at most once a minute).
  const link = await platform.db.signingLink.findFirstOrThrow({ where: { contractId: id, revokedAt: null } });
  const second = await preparedSignature(phone, token, await platform.codes.issue(platform.db, 'signing', link.id, new Date(Date.now() + 61_000)));
  const answers = await whileRowHeld(id, [first, second]);
  t.same(statuses(answers), [200, 409], answers.map((a) => a.body.slice(0, 300)).join('\n'));
  t.match(JSON.parse(answers.find((a) => a.statusCode === 409)!.body), { type: /contract-changed/, errors: [{ field: 'status', messageZh: /变化/ }] }, 'the worker is told in Chinese');
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id } })).status, 'signed');
  t.equal(await platform.db.signature.count({ where: { contractId: id, role: 'worker' } }), 1, 'one worker signature recorded');
  t.equal(await platform.db.auditEvent.count({ where: { contractId: id, type: 'contract.signed' } }), 1);
});

t.test('declining twice at once: one refusal is recorded, the other is a 409', async (t) => {
  const { id, phone, token } = await sentContract(2);
  await phone.post(phone.api(token, '/read'));
  const decline = (reason: string) => () => phone.post(phone.api(token, '/decline'), { reason });
  const answers = await whileRowHeld(id, [decline('工资低于约定'), decline('工作地点不符')]);
  t.same(statuses(answers), [200, 409], answers.map((a) => a.body.slice(0, 300)).join('\n'));
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id } })).status, 'declined');
  t.equal(await platform.db.auditEvent.count({ where: { contractId: id, type: 'contract.declined' } }), 1, 'one refusal on the chain');
});

t.test('two 变更书 signed at once: one changes the contract, the other is a 409', async (t) => {
  const fields = fieldsFor(3);
  const original = await signedContract(app, platform, employer, 'labor-contract-general', fields);
  t.equal(original.signed.statusCode, 200, original.signed.body);
  const completes = [];
  for (let i = 0; i < 2; i++) {
    const created = await app.inject({ method: 'POST', url: `/api/v1/contracts/${original.id}/attachments`, headers: employer, payload: { templateId: 'contract-change', fields: changeFields } });
    t.equal(created.statusCode, 201, created.body);
    for (const step of ['seal', 'send']) t.equal((await app.inject({ method: 'POST', url: `/api/v1/contracts/${created.json().id}/${step}`, headers: employer })).statusCode, 200);
    const token = await original.phone.latestLink();
    await readAndVerify(original.phone, token, fields.worker);
    completes.push(await preparedSignature(original.phone, token));
  }
  const answers = await whileRowHeld(original.id, completes);
  t.same(statuses(answers), [200, 409], answers.map((a) => a.body.slice(0, 300)).join('\n'));
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id: original.id } })).status, 'changed');
  t.equal(await platform.db.auditEvent.count({ where: { contractId: original.id, type: 'contract.changed' } }), 1, 'one change recorded on the original');
  t.equal(await platform.db.contract.count({ where: { previousId: original.id, status: 'signed' } }), 1, 'the losing 变更书 stays unsigned');
});
