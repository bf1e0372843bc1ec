/**
 * After a contract is signed, no text column of any table holds the worker's name in the clear
 * (names are ciphertexts, like ID numbers and phones).
 */
import t from 'tap';
import { encryptNamesAtRest } from '../../src/services/names-at-rest.ts';
import { workerSignerNameColumn } from '../../src/services/worker-signing.ts';
import { employerBody } from '../helpers/fixtures.ts';
import { bearer, createTestPlatform } from '../helpers/platform.ts';
import { signedContract } from '../helpers/worker-phone.ts';

const { app, platform, adminToken } = await createTestPlatform(t);
const employer = bearer((await app.inject({ method: 'POST', url: '/api/v1/admin/employers', headers: bearer(adminToken), payload: employerBody(91) })).json().apiKey);
const template = platform.templates.get('labor-contract-general')!;
const example = template.example as { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>;
const worker = { ...example.worker, name: '欧阳明月' };
const signed = await signedContract(app, platform, employer, template.id, { ...example, worker });

t.test('no worker name in the clear in any text column after a signing flow', async (t) => {
  t.equal(signed.signed.statusCode, 200, signed.signed.body);
  const columns = await platform.db.$queryRaw<{ table_name: string; column_name: string }[]>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY')`;
  t.ok(columns.length > 20, `${columns.length} text columns`);
  const found: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const rows = await platform.db.$queryRawUnsafe<{ n: bigint }[]>(`select count(*) as n from "${table}" where "${column}"::text like $1`, `%${worker.name}%`);
    if (Number(rows[0]!.n) > 0) found.push(`${table}.${column}`);
  }
  t.same(found, [], 'columns holding the name');
});

t.test('names written in the clear by an earlier version are encrypted at start, once', async (t) => {
  const row = await platform.db.signature.findFirstOrThrow({ where: { role: 'worker' } });
  // As an earlier version wrote it.
  await platform.db.signature.update({ where: { id: row.id }, data: { signerName: worker.name } });
  t.equal(await encryptNamesAtRest(platform.db, platform.fieldCrypto), 1);
  const after = await platform.db.signature.findUniqueOrThrow({ where: { id: row.id } });
  t.not(after.signerName, worker.name);
  t.equal(platform.fieldCrypto.decryptText(after.signerName, workerSignerNameColumn), worker.name, 'the name is still there for who holds the key');
  t.equal(await encryptNamesAtRest(platform.db, platform.fieldCrypto), 0, 'nothing left to do');
});
