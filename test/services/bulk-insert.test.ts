import t from 'tap';
import { insertRows, uuidv7 } from '../../src/db/bulk-insert.ts';
import { residentIdCheckCharacter } from '../../src/domain/identity.ts';
import { FieldCrypto } from '../../src/security/field-crypto.ts';
import { readWorker, upsertWorkers } from '../../src/services/workers.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const { platform } = await createTestPlatform(t);
const db = platform.db;
const residentId = (first17: string) => first17 + residentIdCheckCharacter(first17);

t.test('uuidv7: version 7, RFC 9562 variant, the time in its first 48 bits, ordered by time', async (t) => {
  const at = Date.UTC(2026, 10, 23, 8, 0, 0, 123);
  const id = uuidv7(at);
  t.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(parseInt(id.replaceAll('-', '').slice(0, 12), 16), at);
  const later = Array.from({ length: 50 }, (_, i) => uuidv7(at + 1 + i));
  t.same([...later].sort(), later, 'ids made later sort later');
  t.equal(new Set(Array.from({ length: 1000 }, () => uuidv7(at))).size, 1000, 'ids made in the same millisecond differ');
});

t.test('insertRows: every column type round-trips, whatever the session time zone', async (t) => {
  const at = new Date('2026-11-23T23:30:00.125Z');
  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  const rows = await db.$transaction(async (tx) => {
    // Shanghai is eight hours ahead: a timestamp cast through the zone would move to the next day.
    await tx.$executeRawUnsafe(`set local time zone 'Asia/Shanghai'`);
    await tx.$executeRawUnsafe(`create temp table bulk_probe (id uuid, name text, n int, b bytea, j jsonb, d date, ts timestamp(3), amount numeric(12,2), status "ContractStatus") on commit drop`);
    const returned = await insertRows<{ id: string; n: number }>(
      tx,
      'bulk_probe',
      { id: 'uuid', name: 'text', n: 'int', b: 'bytea', j: 'jsonb', d: 'date', ts: 'timestamp', amount: 'numeric', status: { enum: 'ContractStatus' } },
      [
        { id: uuidv7(), name: '张三丰', n: 7, b: bytes, j: { page: 4, rect: [1, 2.5] }, d: new Date('2026-12-31T00:00:00Z'), ts: at, amount: 5200.5, status: 'sealed' },
        { id: uuidv7(), name: null, n: null, b: null, j: null, d: null, ts: null, amount: null, status: null },
      ],
      'returning id, n',
    );
    t.equal(returned.length, 2, 'RETURNING gives the inserted rows back');
    await tx.$executeRawUnsafe(`set local time zone 'UTC'`);
    return tx.$queryRawUnsafe<Record<string, unknown>[]>(`select name, n, b, j, d::text as d, ts, amount::text as amount, status::text as status from bulk_probe order by n nulls last`);
  });
  const [full, empty] = rows;
  t.equal(full!.name, '张三丰');
  t.equal(full!.n, 7);
  t.same(Buffer.from(full!.b as Uint8Array), bytes, 'bytes survive the base64 transport');
  t.same(full!.j, { page: 4, rect: [1, 2.5] });
  t.equal(full!.d, '2026-12-31', 'a date stays the same calendar day');
  t.equal((full!.ts as Date).toISOString(), at.toISOString(), 'a timestamp keeps its UTC fields to the millisecond');
  t.equal(full!.amount, '5200.50');
  t.equal(full!.status, 'sealed');
  t.same(Object.values(empty!), [null, null, null, null, null, null, null, null], 'nulls stay null in every type');
});

t.test('insertRows with no rows sends nothing', async (t) => {
  t.same(await insertRows(db, 'no_such_table', { id: 'uuid' }, []), []);
});

t.test('upsertWorkers: one statement finds, creates and updates people by ID number', async (t) => {
  const crypto = new FieldCrypto(Buffer.alloc(32, 7));
  const known = { name: '李四', idNumber: '11010519491231002X', phone: '13800000001' };
  const [knownId] = await db.$transaction((tx) => upsertWorkers(tx, crypto, [known]));
  const fresh = { name: '王五', idNumber: residentId('11010519491231003'), phone: '13800000002' };
  const ids = await db.$transaction((tx) => upsertWorkers(tx, crypto, [{ name: '李四（改名）', idNumber: known.idNumber.toLowerCase() }, fresh, { ...fresh, name: '王五五', phone: '13800000003' }]));
  t.equal(ids[0], knownId, 'the known person keeps their record');
  t.equal(ids[1], ids[2], 'the same person twice in one call is one worker');
  const read = async (id: string) => readWorker(crypto, await db.worker.findUniqueOrThrow({ where: { id } }));
  t.same(await read(knownId!), { name: '李四（改名）', idNumber: known.idNumber, phone: known.phone }, 'a line without a phone number keeps the number known');
  t.same(await read(ids[1]!), { name: '王五五', idNumber: fresh.idNumber, phone: '13800000003' }, 'the later line wins');
  const worker = await db.worker.findUniqueOrThrow({ where: { id: ids[1]! } });
  t.equal(worker.birthDate?.toISOString(), '1949-12-31T00:00:00.000Z', 'birth date from the ID number');
  t.equal(worker.sex, 'male');

  // Two processes upserting overlapping people at once: both succeed and agree on the ids.
  const people = Array.from({ length: 20 }, (_, i) => ({ name: `工人${i}`, idNumber: residentId(`11010519800101${String(100 + i)}`) }));
  const [a, b] = await Promise.all([db.$transaction((tx) => upsertWorkers(tx, crypto, people)), db.$transaction((tx) => upsertWorkers(tx, crypto, [...people].reverse()))]);
  t.same([...b!].reverse(), a, 'both see the same worker for each person');
  t.equal(await db.worker.count({ where: { id: { in: a! } } }), 20);
});
