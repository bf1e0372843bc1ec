/**
 * The append-only, hash-chained audit trail. Each chain (one per contract, plus "platform" for
 * administrative acts) links every event to the hash of the one before, so removing, reordering
 * or editing an event breaks every later hash; the database also refuses UPDATE and DELETE.
 * Events are appended inside the same transaction as the change they record.
 */
import { createHash } from 'node:crypto';
import type { Db, DbTx } from '../db/client.ts';
import { canonicalJson } from '../security/canonical-json.ts';

export const platformChain = 'platform';
const genesis = '0'.repeat(64);

export interface Actor {
  kind: 'admin' | 'employer' | 'official' | 'worker' | 'system';
  id?: string;
}

export interface AuditInput {
  chain: string;
  contractId?: string;
  type: string;
  actor: Actor;
  ip?: string;
  userAgent?: string;
  data?: Record<string, unknown>;
}

interface HashedFields {
  chain: string;
  seq: number;
  type: string;
  actorKind: string;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  data: unknown;
  at: Date;
  prevHash: string;
}

export function auditHash(fields: HashedFields): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

/** The row of an event that follows `last` on its chain (or starts the chain). */
function chainedEvent(input: AuditInput, last: { seq: number; hash: string } | null | undefined, at: Date) {
  const fields: HashedFields = {
    chain: input.chain,
    seq: (last?.seq ?? 0) + 1,
    type: input.type,
    actorKind: input.actor.kind,
    actorId: input.actor.id ?? null,
    ip: input.ip ?? null,
    userAgent: input.userAgent ?? null,
    data: JSON.parse(canonicalJson(input.data ?? {})),
    at,
    prevHash: last?.hash ?? genesis,
  };
  return { ...fields, data: fields.data as object, contractId: input.contractId ?? null, hash: auditHash(fields) };
}

export async function appendAudit(tx: DbTx, input: AuditInput) {
  // Serialises appends to one chain across processes; released when the transaction ends.
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${'audit:' + input.chain}))`;
  const last = await tx.auditEvent.findFirst({ where: { chain: input.chain }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  return tx.auditEvent.create({ data: chainedEvent(input, last, new Date()) });
}

/**
 * Many events at once (a batch of contracts), in the order given: one lock statement, one read
 * of the chain heads and one insert, with the same hashing and linking as appendAudit.
 */
export async function appendAuditMany(tx: DbTx, inputs: AuditInput[]): Promise<void> {
  if (!inputs.length) return;
  const chains = [...new Set(inputs.map((input) => input.chain))].sort();
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext('audit:' || c)) from unnest(${chains}::text[]) as c`;
  const heads = await tx.$queryRaw<{ chain: string; seq: number; hash: string }[]>`
    select distinct on (chain) chain, seq, hash from "AuditEvent" where chain = any(${chains}::text[]) order by chain, seq desc`;
  const head = new Map(heads.map((h) => [h.chain, { seq: h.seq, hash: h.hash }]));
  const at = new Date();
  const rows = inputs.map((input) => {
    const row = chainedEvent(input, head.get(input.chain), at);
    head.set(input.chain, { seq: row.seq, hash: row.hash });
    return row;
  });
  // One INSERT … SELECT FROM unnest: Prisma's createMany costs more than the database for many JSON rows.
  await tx.$executeRaw`
    insert into "AuditEvent" (chain, seq, "contractId", type, "actorKind", "actorId", ip, "userAgent", data, at, "prevHash", hash)
    select chain, seq, "contractId"::uuid, type, "actorKind", "actorId", ip, "userAgent", data::jsonb, at::timestamp(3), "prevHash", hash
    from unnest(${rows.map((r) => r.chain)}::text[], ${rows.map((r) => r.seq)}::int[], ${rows.map((r) => r.contractId)}::text[], ${rows.map((r) => r.type)}::text[],
                ${rows.map((r) => r.actorKind)}::text[], ${rows.map((r) => r.actorId)}::text[], ${rows.map((r) => r.ip)}::text[], ${rows.map((r) => r.userAgent)}::text[],
                ${rows.map((r) => JSON.stringify(r.data))}::text[], ${rows.map((r) => r.at.toISOString())}::text[], ${rows.map((r) => r.prevHash)}::text[], ${rows.map((r) => r.hash)}::text[])
      as e(chain, seq, "contractId", type, "actorKind", "actorId", ip, "userAgent", data, at, "prevHash", hash)`;
}

export interface ChainCheck {
  intact: boolean;
  length: number;
  /** Sequence number of the first event whose hash or link does not hold. */
  brokenAt?: number;
}

export async function verifyAuditChain(db: Db | DbTx, chain: string): Promise<ChainCheck> {
  const events = await db.auditEvent.findMany({ where: { chain }, orderBy: { seq: 'asc' } });
  let prevHash = genesis;
  for (const [index, event] of events.entries()) {
    const expected = auditHash({
      chain: event.chain,
      seq: event.seq,
      type: event.type,
      actorKind: event.actorKind,
      actorId: event.actorId,
      ip: event.ip,
      userAgent: event.userAgent,
      data: event.data,
      at: event.at,
      prevHash: event.prevHash,
    });
    if (event.seq !== index + 1 || event.prevHash !== prevHash || event.hash !== expected) {
      return { intact: false, length: events.length, brokenAt: event.seq };
    }
    prevHash = event.hash;
  }
  return { intact: true, length: events.length };
}
