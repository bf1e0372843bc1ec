/**
 * The append-only, hash-chained audit trail. Each chain (one per contract, plus "platform" for
 * administrative acts) links every event to the hash of the one before, so removing, reordering
 * or editing an event breaks every later hash; the database also refuses UPDATE and DELETE.
 * Events are appended inside the same transaction as the change they record.
 *
 * Someone who can write the database directly could still rewrite a chain and recompute every
 * hash after the edit, or cut its end off. So at most every 5 minutes a checkpoint records each
 * changed chain's length and head hash, archived with an RFC 3161 timestamp over it: a chain
 * that no longer reaches the anchored head, or is shorter than anchored, fails verification.
 */
import { createHash } from 'node:crypto';
import type { Db, DbTx } from '../db/client.ts';
import { canonicalJson } from '../security/canonical-json.ts';
import type { ParsedCertificate } from '../signing/pki/certificate.ts';
import { verifyTimestampToken } from '../signing/tsa/token.ts';
import type { TimestampClient } from '../signing/types.ts';
import type { ObjectArchive } from '../storage/archive.ts';

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

/** Sees every appended event inside its transaction: webhook deliveries are enqueued there (src/webhooks). */
export type AuditSink = (tx: DbTx, events: { type: string; contractId: string | null; actorKind: string; data: unknown; at: Date }[]) => Promise<void>;

/**
 * Appends to the audit trail and hands every appended event to the platform's sink, in the same
 * transaction (so what the sink writes commits or rolls back with the event). The composition
 * root builds one per platform with its sink; services receive it as their `audit` dependency.
 */
export class AuditLog {
  constructor(private readonly sink?: AuditSink) {}

  async append(tx: DbTx, input: AuditInput) {
    const event = await appendChained(tx, input);
    if (this.sink) await this.sink(tx, [event]);
    return event;
  }

  async appendMany(tx: DbTx, inputs: AuditInput[]): Promise<void> {
    const rows = await appendChainedMany(tx, inputs);
    if (this.sink && rows.length) await this.sink(tx, rows);
  }
}

async function appendChained(tx: DbTx, input: AuditInput) {
  // Serialises appends to one chain across processes; released when the transaction ends.
  await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${'audit:' + input.chain}))`;
  const last = await tx.auditEvent.findFirst({ where: { chain: input.chain }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
  return tx.auditEvent.create({ data: chainedEvent(input, last, new Date()) });
}

/**
 * Many events at once (a batch of contracts), in the order given: one lock statement, one read
 * of the chain heads and one insert, with the same hashing and linking as appendChained.
 */
async function appendChainedMany(tx: DbTx, inputs: AuditInput[]) {
  if (!inputs.length) return [];
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
  return rows;
}

export interface ChainCheck {
  intact: boolean;
  length: number;
  /** Sequence number of the first event whose hash or link does not hold (or the anchored head that no longer does). */
  brokenAt?: number;
  /** Against the last checkpoint: `rehashed` (its head is not this chain's), `truncated` (shorter than anchored), `checkpoint_invalid`. */
  reason?: 'rehashed' | 'truncated' | 'checkpoint_invalid';
  /** With anchors: events the last checkpoint naming this chain covers, and later events not yet anchored. */
  anchored?: number;
  unanchored?: number;
  /** Until when that checkpoint covers events. */
  checkpointAt?: string;
}

/** What checkpoints need: the archive, the platform's TSA client, and which TSA certificates to trust. */
export interface AuditAnchors {
  archive: Pick<ObjectArchive, 'put' | 'get'>;
  timestamps: TimestampClient;
  trustsTsa(certificate: ParsedCertificate): boolean;
}

/** Events younger than this may still be joined by older ones (the longest transaction appending events runs 120 s). */
export const anchorSettleMs = 3 * 60_000;
/** A checkpoint's timestamp is taken when it is made: one from much later was obtained afterwards for a forged one. */
const checkpointTimestampWindowMs = 15 * 60_000;

interface CheckpointContent {
  kind: 'laborsign-audit-checkpoint';
  version: 1;
  coveredTo: string;
  /** SHA-256 of the previous checkpoint's JSON. */
  previous: string | null;
  chains: Record<string, { length: number; head: string }>;
}

/**
 * A checkpoint of every chain that changed since the last one (the job queue's 5-minute
 * schedule): their lengths and heads as canonical JSON, timestamped, both archived, and a row.
 * One process at a time; nothing changed, no checkpoint.
 */
export async function checkpointAudit(db: Db, anchors: AuditAnchors, now = new Date()): Promise<{ chains: number } | null> {
  const coveredTo = new Date(now.getTime() - anchorSettleMs);
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(hashtext('audit:checkpoint')) as locked`;
      if (!lock?.locked) return null;
      const last = await tx.auditCheckpoint.findFirst({ orderBy: { id: 'desc' } });
      const from = last?.coveredTo ?? new Date(0);
      if (from >= coveredTo) return null;
      const heads = await tx.$queryRaw<{ chain: string; seq: number; hash: string }[]>`
        select distinct on (chain) chain, seq, hash from "AuditEvent"
        where at > ${from.toISOString()}::timestamp(3) and at <= ${coveredTo.toISOString()}::timestamp(3) order by chain, seq desc`;
      if (!heads.length) return { chains: 0 };
      const content: CheckpointContent = {
        kind: 'laborsign-audit-checkpoint',
        version: 1,
        coveredTo: coveredTo.toISOString(),
        previous: last?.sha256 ?? null,
        chains: Object.fromEntries(heads.map((h) => [h.chain, { length: h.seq, head: h.hash }])),
      };
      const body = Buffer.from(canonicalJson(content));
      const token = await anchors.timestamps.timestamp(body);
      const stored = await anchors.archive.put(body, { contentType: 'application/json' });
      const tokenStored = await anchors.archive.put(token, { contentType: 'application/timestamp-token' });
      await tx.auditCheckpoint.create({ data: { coveredTo, chains: content.chains, objectKey: stored.key, sha256: stored.sha256, timestampToken: new Uint8Array(token), tokenKey: tokenStored.key } });
      return { chains: heads.length };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

/**
 * Checks a chain's hashes and links; with `anchors`, also against the last checkpoint naming
 * it (read from the archive, its timestamp verified), which catches a chain rehashed after an
 * edit or cut short, up to that checkpoint.
 */
export async function verifyAuditChain(db: Db | DbTx, chain: string, anchors?: AuditAnchors): Promise<ChainCheck> {
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
  if (!anchors) return { intact: true, length: events.length };

  const [checkpoint] = await db.$queryRaw<{ objectKey: string; sha256: string; timestampToken: Uint8Array }[]>`
    select "objectKey", sha256, "timestampToken" from "AuditCheckpoint" where jsonb_exists(chains, ${chain}) order by id desc limit 1`;
  if (!checkpoint) return { intact: true, length: events.length, anchored: 0, unanchored: events.length };
  const invalid: ChainCheck = { intact: false, length: events.length, reason: 'checkpoint_invalid' };
  let content: CheckpointContent;
  try {
    const body = await anchors.archive.get(checkpoint.objectKey, checkpoint.sha256);
    const stamp = verifyTimestampToken(checkpoint.timestampToken, { data: body });
    content = JSON.parse(body.toString('utf8')) as CheckpointContent;
    const lag = (stamp.genTime?.getTime() ?? NaN) - new Date(content.coveredTo).getTime();
    if (!stamp.valid || !stamp.tsaCertificate || !anchors.trustsTsa(stamp.tsaCertificate) || !(lag >= -anchorSettleMs && lag <= checkpointTimestampWindowMs)) return invalid;
  } catch {
    return invalid;
  }
  const entry = content.chains[chain];
  if (!entry) return invalid;
  if (events.length < entry.length) return { intact: false, length: events.length, brokenAt: events.length + 1, reason: 'truncated', anchored: entry.length };
  if (events[entry.length - 1]!.hash !== entry.head) return { intact: false, length: events.length, brokenAt: entry.length, reason: 'rehashed', anchored: entry.length };
  return { intact: true, length: events.length, anchored: entry.length, unanchored: events.length - entry.length, checkpointAt: content.coveredTo };
}
