import t from 'tap';
import { verifyAuditChain } from '../../src/services/audit.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const { platform } = await createTestPlatform(t);
const db = platform.db;
const appendAudit = platform.audit.append.bind(platform.audit);

t.test('events chain by hash and the chain verifies', async (t) => {
  for (const type of ['created', 'sealed', 'sent']) {
    await db.$transaction((tx) => appendAudit(tx, { chain: 'chain-a', type, actor: { kind: 'system' }, data: { type } }));
  }
  const events = await db.auditEvent.findMany({ where: { chain: 'chain-a' }, orderBy: { seq: 'asc' } });
  t.same(
    events.map((e) => e.seq),
    [1, 2, 3],
  );
  t.equal(events[1]!.prevHash, events[0]!.hash);
  t.same(await verifyAuditChain(db, 'chain-a'), { intact: true, length: 3 });
});

t.test('concurrent appends to one chain stay gapless', async (t) => {
  await Promise.all(Array.from({ length: 10 }, (_, i) => db.$transaction((tx) => appendAudit(tx, { chain: 'chain-b', type: `e${i}`, actor: { kind: 'system' } }))));
  t.same(await verifyAuditChain(db, 'chain-b'), { intact: true, length: 10 });
});

t.test('the database refuses to edit or delete audit events', async (t) => {
  await t.rejects(db.auditEvent.updateMany({ where: { chain: 'chain-a' }, data: { type: 'forged' } }), /append-only/);
  await t.rejects(db.auditEvent.deleteMany({ where: { chain: 'chain-a' } }), /append-only/);
});

t.test('an edit made around the guard breaks the chain at that event', async (t) => {
  // Someone with superuser rights disables the trigger and rewrites history.
  await db.$executeRawUnsafe('alter table "AuditEvent" disable trigger "AuditEvent_append_only"');
  await db.$executeRawUnsafe(`update "AuditEvent" set data = '{"type":"forged"}' where chain = 'chain-a' and seq = 2`);
  await db.$executeRawUnsafe('alter table "AuditEvent" enable trigger "AuditEvent_append_only"');
  t.same(await verifyAuditChain(db, 'chain-a'), { intact: false, length: 3, brokenAt: 2 });
});
