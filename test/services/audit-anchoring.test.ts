/**
 * Audit chain anchoring against a hostile DBA (direct SQL with the append-only trigger off): a
 * checkpoint archives each changed chain's length and head with an RFC 3161 timestamp; an edit,
 * a rehash of the chain after an edit, and a truncation up to the checkpoint are each caught,
 * and verification says how many later events are not yet anchored.
 */
import t from 'tap';
import { anchorSettleMs, auditHash, checkpointAudit, verifyAuditChain } from '../../src/services/audit.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const { platform } = await createTestPlatform(t);
const { db, auditAnchors: anchors } = platform;

const append = (chain: string, type: string) => db.$transaction((tx) => platform.audit.append(tx, { chain, type, actor: { kind: 'system' }, data: { type } }));
/** A checkpoint as the 5-minute job makes it once these events have settled. */
const checkpointNow = async () => {
  const made = await checkpointAudit(db, anchors, new Date(Date.now() + anchorSettleMs));
  // Events appended from here on are after the instant it covers (timestamps have millisecond resolution).
  await new Promise((resolve) => setTimeout(resolve, 5));
  return made;
};
async function asDba(sql: string) {
  await db.$executeRawUnsafe('alter table "AuditEvent" disable trigger "AuditEvent_append_only"');
  try {
    await db.$executeRawUnsafe(sql);
  } finally {
    await db.$executeRawUnsafe('alter table "AuditEvent" enable trigger "AuditEvent_append_only"');
  }
}
/** Recomputes every hash from `fromSeq` on, as a careful forger would. */
async function rehash(chain: string) {
  const events = await db.auditEvent.findMany({ where: { chain }, orderBy: { seq: 'asc' } });
  let prevHash = '0'.repeat(64);
  for (const event of events) {
    const hash = auditHash({
      chain,
      seq: event.seq,
      type: event.type,
      actorKind: event.actorKind,
      actorId: event.actorId,
      ip: event.ip,
      userAgent: event.userAgent,
      data: event.data,
      at: event.at,
      prevHash,
    });
    await asDba(`update "AuditEvent" set "prevHash" = '${prevHash}', hash = '${hash}' where id = ${event.id}`);
    prevHash = hash;
  }
}

const chains = ['anchored', 'edited', 'rehashed', 'truncated'];
for (const chain of chains) for (const type of ['created', 'sealed', 'sent']) await append(chain, type);

t.test('before any checkpoint every event is unanchored', async (t) => {
  t.match(await verifyAuditChain(db, 'anchored', anchors), { intact: true, length: 3, anchored: 0, unanchored: 3 });
});

t.test('a checkpoint anchors each changed chain; later events are counted as not yet anchored', async (t) => {
  t.same(await checkpointAudit(db, anchors), { chains: 0 }, 'events younger than the settling time wait for the next checkpoint');
  t.same(await checkpointNow(), { chains: 4 });
  const row = await db.auditCheckpoint.findFirstOrThrow({ orderBy: { id: 'desc' } });
  const archived = JSON.parse((await platform.archive.get(row.objectKey, row.sha256)).toString('utf8'));
  t.match(archived, { kind: 'laborsign-audit-checkpoint', chains: { anchored: { length: 3 } } }, 'the checkpoint is in the archive');
  t.ok((await platform.archive.get(row.tokenKey, (await import('../../src/storage/archive.ts')).sha256Hex(row.timestampToken))).length > 0, 'and its timestamp token');
  t.match(await verifyAuditChain(db, 'anchored', anchors), { intact: true, length: 3, anchored: 3, unanchored: 0, checkpointAt: String });
  await append('anchored', 'viewed');
  await append('anchored', 'signed');
  t.match(await verifyAuditChain(db, 'anchored', anchors), { intact: true, length: 5, anchored: 3, unanchored: 2 });
  t.same(await checkpointNow(), { chains: 1 }, 'only the changed chain goes into the next checkpoint');
  t.match(await verifyAuditChain(db, 'anchored', anchors), { intact: true, anchored: 5, unanchored: 0 });
});

t.test('an edit breaks the chain at the edited event', async (t) => {
  await asDba(`update "AuditEvent" set data = '{"type":"forged"}' where chain = 'edited' and seq = 2`);
  t.match(await verifyAuditChain(db, 'edited', anchors), { intact: false, brokenAt: 2 });
});

t.test('a chain rehashed after an edit passes the hash check alone, not the checkpoint', async (t) => {
  await asDba(`update "AuditEvent" set data = '{"type":"forged"}' where chain = 'rehashed' and seq = 2`);
  await rehash('rehashed');
  t.same(await verifyAuditChain(db, 'rehashed'), { intact: true, length: 3 }, 'without anchoring the forgery would pass');
  t.match(await verifyAuditChain(db, 'rehashed', anchors), { intact: false, reason: 'rehashed', anchored: 3, brokenAt: 3 });
});

t.test('a chain cut short up to the checkpoint is caught', async (t) => {
  await asDba(`delete from "AuditEvent" where chain = 'truncated' and seq = 3`);
  t.same(await verifyAuditChain(db, 'truncated'), { intact: true, length: 2 }, 'without anchoring the truncation would pass');
  t.match(await verifyAuditChain(db, 'truncated', anchors), { intact: false, reason: 'truncated', length: 2, anchored: 3 });
});

t.test('a checkpoint row pointed at a forged checkpoint is refused', async (t) => {
  // The DBA writes a new checkpoint for the rehashed chain, timestamped now for an instant long past.
  const row = await db.auditCheckpoint.findFirstOrThrow({ where: { chains: { path: ['rehashed'], not: 'null' } }, orderBy: { id: 'desc' } });
  const events = await db.auditEvent.findMany({ where: { chain: 'rehashed' }, orderBy: { seq: 'asc' } });
  const forged = Buffer.from(
    JSON.stringify({
      kind: 'laborsign-audit-checkpoint',
      version: 1,
      coveredTo: new Date(row.coveredTo.getTime() - 3_600_000).toISOString(),
      previous: null,
      chains: { rehashed: { length: 3, head: events[2]!.hash } },
    }),
  );
  const stored = await platform.archive.put(forged, { contentType: 'application/json' });
  const token = await platform.timestamps.timestamp(forged);
  await db.auditCheckpoint.update({ where: { id: row.id }, data: { objectKey: stored.key, sha256: stored.sha256, timestampToken: new Uint8Array(token) } });
  t.match(await verifyAuditChain(db, 'rehashed', anchors), { intact: false, reason: 'checkpoint_invalid' });
});
