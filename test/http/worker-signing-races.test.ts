/**
 * Two attempts at one worker step on one contract, at once: signing through two sessions,
 * declining twice, and two signed 变更书 amending the same contract. When both read the contract
 * before either writes it, the second write finds it changed and answers 409 (it was a 500);
 * when one commits first, the other is refused by the link or the state machine. Either way
 * one attempt wins and no answer is a server error or a lost update.
 */
import { webcrypto } from 'node:crypto';
import t from 'tap';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { phoneKey, signaturePng, signedContract, workerPhone } from '../helpers/worker-phone.ts';
import { workerFor } from '../helpers/batch-checks.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
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

/** Both attempts at once; whichever way they interleave, no answer may be a server error. */
async function atOnce(requests: Array<() => Promise<{ statusCode: number; body: string }>>) {
  return Promise.all(requests.map((request) => request()));
}

const statuses = (answers: Array<{ statusCode: number }>) => answers.map((a) => a.statusCode).sort();

t.test('two sessions on one link signing at once: one signs, the other is a 409', async (t) => {
  const { id, phone, token } = await sentContract(1);
  await readAndVerify(phone, token, fieldsFor(1).worker);
  const first = await preparedSignature(phone, token);
  // A second code for the second tab, as a minute later (a code is texted at most once a minute).
  const link = await platform.db.signingLink.findFirstOrThrow({ where: { contractId: id, revokedAt: null } });
  const second = await preparedSignature(phone, token, await platform.codes.issue(platform.db, 'signing', link.id, new Date(Date.now() + 61_000)));
  const answers = await atOnce([first, second]);
  const [won, lost] = statuses(answers);
  t.equal(won, 200, answers.map((a) => a.body.slice(0, 300)).join('\n'));
  t.ok(lost === 409 || lost === 410, `the other attempt is refused (409 changed meanwhile, or 410 link used): ${lost}`);
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id } })).status, 'signed');
  t.equal(await platform.db.signature.count({ where: { contractId: id, role: 'worker' } }), 1, 'one worker signature recorded');
  t.equal(await platform.db.auditEvent.count({ where: { contractId: id, type: 'contract.signed' } }), 1);
});

t.test('declining twice at once: one refusal is recorded, the other is a 409', async (t) => {
  const { id, phone, token } = await sentContract(2);
  await phone.post(phone.api(token, '/read'));
  const decline = (reason: string) => () => phone.post(phone.api(token, '/decline'), { reason });
  const answers = await atOnce([decline('工资低于约定'), decline('工作地点不符')]);
  const [won, lost] = statuses(answers);
  t.equal(won, 200, answers.map((a) => a.body.slice(0, 300)).join('\n'));
  t.ok(lost === 409 || lost === 410, `the other attempt is refused (409 changed meanwhile, or 410 link used): ${lost}`);
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
  const answers = await atOnce(completes);
  const codes = statuses(answers);
  t.equal(codes[0], 200, answers.map((a) => a.body.slice(0, 300)).join('\n'));
  // A change of a changed contract is allowed: one after the other both succeed; interleaved, the second is a 409.
  t.ok(codes[1] === 200 || codes[1] === 409, `the second 变更书: ${codes[1]}`);
  const succeeded = codes.filter((code) => code === 200).length;
  t.equal((await platform.db.contract.findUniqueOrThrow({ where: { id: original.id } })).status, 'changed');
  t.equal(await platform.db.auditEvent.count({ where: { contractId: original.id, type: 'contract.changed' } }), succeeded, 'one change recorded on the original per signed 变更书');
  t.equal(await platform.db.contract.count({ where: { previousId: original.id, status: 'signed' } }), succeeded, 'a refused 变更书 stays unsigned');
});
