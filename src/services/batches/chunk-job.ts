/**
 * The batch job: a chunk of rows taken through idempotent steps (create, unique per batch and
 * row; seal under the employer's authorisation; send), so a worker killed at any point leaves
 * nothing doubled and the retry finishes the chunk.
 */
import { insertRows, uuidv7, type ColumnSpec } from '../../db/bulk-insert.ts';
import type { Db } from '../../db/client.ts';
import type { ContractTerms } from '../../domain/contract-terms.ts';
import type { Outbox } from '../../notify/outbox.ts';
import type { RenderedDocument } from '../../pdf/contract-renderer.ts';
import { Problem } from '../../problem.ts';
import type { FieldCrypto } from '../../security/field-crypto.ts';
import type { SignedPdf } from '../../signing/pades/signature.ts';
import { keyForDigest, type ObjectArchive } from '../../storage/archive.ts';
import type { TemplateCatalog } from '../../templates/catalog.ts';
import type { Actor, AuditInput, AuditLog } from '../audit.ts';
import { contractRecord, contractRecordColumns, newContractNumber, registerTemplateVersion, type ContractService } from '../contracts.ts';
import type { SealAuthorisations } from '../seal-authorisations.ts';
import { removeUnrecorded, archivedPdf } from '../contract/documents.ts';
import { requireTransition } from '../contract/transitions.ts';
import type { SealingService } from '../sealing.ts';
import type { WorkerSigningService } from '../worker-signing.ts';
import { upsertWorkers } from '../workers.ts';
import { recordIntents, settleIntents } from './object-intents.ts';
import { batchFieldsColumn, commonText, type BatchJob } from './rows.ts';

interface Prepared {
  row: number;
  fields: Record<string, unknown>;
  terms: ContractTerms;
  number: string;
  /** What the job still needs of the rendered draft once it is sealed (not its bytes: 50 drafts of ~160 KB each). */
  rendered: Pick<RenderedDocument, 'signatureSlots' | 'pageCount'>;
  /** The sealed file, its SHA-256 and (priorSha256) the unsealed draft's, as the seal hashed them. */
  sealed: SignedPdf & { certificateSerial: string };
  signingTime: Date;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

/** The columns a chunk writes with one INSERT per table (see insertRows); ids are made here, as Prisma makes them. */
const chunkTables = {
  contract: {
    ...contractRecordColumns,
    batchId: 'uuid',
    batchRow: 'int',
    revision: 'int',
    createdAt: 'timestamp',
    updatedAt: 'timestamp',
  },
  document: {
    id: 'uuid',
    contractId: 'uuid',
    kind: { enum: 'DocumentKind' },
    objectKey: 'text',
    versionId: 'text',
    sha256: 'text',
    size: 'int',
    contentType: 'text',
    signatureSlots: 'jsonb',
    createdAt: 'timestamp',
  },
  signature: {
    id: 'uuid',
    contractId: 'uuid',
    documentId: 'uuid',
    role: 'text',
    fieldName: 'text',
    signerName: 'text',
    certificateSerial: 'text',
    signedAt: 'timestamp',
    timestampAt: 'timestamp',
    createdAt: 'timestamp',
  },
  signingLink: { id: 'uuid', contractId: 'uuid', tokenHash: 'text', expiresAt: 'timestamp', createdAt: 'timestamp' },
} satisfies Record<string, ColumnSpec>;
const systemActor: Actor = { kind: 'system', id: 'batch-worker' };

/** This attempt's lease on its rows was taken by a later attempt of the same job. */
class LeaseLost extends Error {
  constructor() {
    super('a later attempt of this batch job holds its rows');
  }
}

/** Points where a test interleaves two attempts of one job deterministically (no timing). */
export interface BatchHooks {
  /** After rendering and sealing, before the object keys are written ahead. */
  beforeWriteAhead?: (attempt: string) => Promise<void>;
  /** After the objects are stored, before the recording transaction. */
  beforeRecord?: (attempt: string) => Promise<void>;
}

export interface BatchJobDeps {
  db: Db;
  audit: AuditLog;
  crypto: FieldCrypto;
  contracts: ContractService;
  sealing: SealingService;
  workerSigning: WorkerSigningService;
  sealAuthorisations: SealAuthorisations;
  templates: TemplateCatalog;
  archive: ObjectArchive;
  outbox: Outbox;
}

export class BatchChunkJob {
  readonly hooks: BatchHooks = {};

  constructor(private readonly deps: BatchJobDeps) {}

  /**
   * One attempt at a job: a chunk of rows taken from render to sealed (and sent) contracts.
   * Rows are rendered and sealed in memory, their object keys written ahead, the objects stored,
   * and everything recorded in one transaction, so a worker killed at any point leaves either a
   * finished chunk or one the retry redoes from the start (removing objects it never recorded).
   *
   * A job that outlives its timeout is handed to another worker while the first may still run,
   * so each attempt first takes the rows' lease (`BatchRow.attemptId`); its write-ahead and its
   * recording go through only while it still holds it (checked under the rows' locks). An
   * attempt that lost its lease stops quietly and removes what it stored: its retry owns the rows.
   */
  async processChunk(job: BatchJob, attempt: string = uuidv7()): Promise<void> {
    try {
      await this.attemptChunk(job, attempt);
    } catch (error) {
      if (!(error instanceof LeaseLost)) throw error;
    }
  }

  private async attemptChunk({ batchId, rows }: BatchJob, attempt: string): Promise<void> {
    const { db, crypto, archive, contracts, sealing, workerSigning } = this.deps;
    const batch = await db.batch.findUnique({ where: { id: batchId }, include: { organisation: true } });
    if (!batch) return;
    // Taking the lease. A recording that holds these rows (locked, below) commits first and
    // leaves them done, so they are not taken; an earlier attempt that did not record yet never
    // will, so the keys it wrote ahead name objects nobody can record any more.
    let pending = await db.$queryRaw<{ row: number; objectKey: string | null; fieldsCipher: Uint8Array }[]>`
      update "BatchRow" set "attemptId" = ${attempt}::uuid
      where "batchId" = ${batchId}::uuid and row = any(${rows}::int[]) and status = 'pending'
      returning row, "objectKey", "fieldsCipher"`;
    pending.sort((a, b) => a.row - b.row);
    // A row whose contract exists is finished, whatever its mark says: never a second contract.
    const existing = await db.contract.findMany({ where: { batchId, batchRow: { in: pending.map((r) => r.row) } }, select: { batchRow: true } });
    if (existing.length) {
      await db.batchRow.updateMany({ where: { batchId, row: { in: existing.map((c) => c.batchRow!) } }, data: { status: 'done' } });
      pending = pending.filter((r) => !existing.some((c) => c.batchRow === r.row));
    }
    if (!pending.length) return;
    await removeUnrecorded(
      this.deps.db,
      this.deps.archive,
      pending.flatMap((r) => (r.objectKey ? [r.objectKey] : [])),
    );
    const organisation = batch.organisation;
    const send = batch.status === 'running-send';
    const failures: { row: number; error: string }[] = [];
    // Kept in Chinese where the problem has it: the error report goes to an HR office.
    const refuse = (row: number, error: Problem) => failures.push({ row, error: (error.errors?.find((e) => e.messageZh)?.messageZh ?? `${error.title}: ${error.detail ?? ''}`).slice(0, 500) });

    const template = this.deps.templates.get(batch.templateId);
    let authorisationId: string | undefined;
    try {
      if (!template) throw Problem.badRequest([{ field: 'templateId', in: 'body', rule: 'template_exists', message: `template ${batch.templateId} is no longer available` }]);
      authorisationId = (await this.deps.sealAuthorisations.covering(organisation, batch.templateId)).id;
    } catch (error) {
      // Refusals (a revoked authorisation, a withdrawn template) will not pass on retry.
      if (!(error instanceof Problem) || error.status >= 500) throw error;
      for (const item of pending) refuse(item.row, error);
      await this.recordFailures(batchId, attempt, failures);
      return;
    }

    const seal = await sealing.sealer(organisation);
    const createdAt = new Date();
    const prepared: Prepared[] = [];
    const rowsFields = pending.map((item) => crypto.decryptJson<Record<string, unknown>>(item.fieldsCipher, batchFieldsColumn));
    const shared = commonText(rowsFields);
    for (const [index, item] of pending.entries()) {
      try {
        const fields = rowsFields[index]!;
        const terms = template!.toContractTerms(fields)!;
        const number = newContractNumber(createdAt);
        const { written, ...rendered } = await contracts.renderChecked({ template: template!, fields, documentNumber: number, createdAt, commonText: shared });
        const signingTime = new Date();
        // The seal appends to the renderer's document instead of parsing the PDF; nothing keeps it after.
        const sealed = await seal(rendered.pdf, rendered.signatureSlots, signingTime, written);
        prepared.push({ row: item.row, fields, terms, number, rendered: { signatureSlots: rendered.signatureSlots, pageCount: rendered.pageCount }, sealed, signingTime });
      } catch (error) {
        if (!(error instanceof Problem) || error.status >= 500) throw error;
        refuse(item.row, error);
      }
    }

    await this.hooks.beforeWriteAhead?.(attempt);
    // Write-ahead: the keys are on record before any object exists, and only while this attempt
    // holds the lease (a retry that took it may already have cleaned up: nothing may follow).
    const keys = prepared.map((p) => keyForDigest(p.sealed.sha256));
    await recordIntents(db, attempt, keys);
    const written = await db.$executeRaw`update "BatchRow" as r set "objectKey" = v.key from unnest(${prepared.map((p) => p.row)}::int[], ${keys}::text[]) as v(row, key)
      where r."batchId" = ${batchId}::uuid and r.row = v.row and r."attemptId" = ${attempt}::uuid and r.status = 'pending'`;
    if (written !== prepared.length) {
      // Nothing stored yet: this attempt's intents can go now.
      await db.objectIntent.deleteMany({ where: { key: { in: keys }, attemptId: attempt } });
      throw new LeaseLost();
    }
    const stored = await mapLimited(prepared, 4, (p) => archive.put(p.sealed.pdf, { contentType: 'application/pdf', fresh: true, sha256: p.sealed.sha256 }));

    const sealedState = requireTransition('draft', 'seal');
    const finalState = send ? requireTransition(sealedState, 'send') : sealedState;
    await this.hooks.beforeRecord?.(attempt);
    const recording = db.$transaction(
      async (tx) => {
        // The fence: the rows stay this attempt's until commit (a retry's lease waits on these locks).
        const mine = [...prepared.map((p) => p.row), ...failures.map((f) => f.row)];
        const held = await tx.$queryRaw<
          { row: number }[]
        >`select row from "BatchRow" where "batchId" = ${batchId}::uuid and row = any(${mine}::int[]) and "attemptId" = ${attempt}::uuid and status = 'pending' for update`;
        if (held.length !== mine.length) throw new LeaseLost();
        if (prepared.length) {
          await registerTemplateVersion(tx, template!);
          const workerIds = await upsertWorkers(
            tx,
            crypto,
            prepared.map((p) => p.terms.worker),
          );
          const contractIds = prepared.map(() => uuidv7());
          const documentIds = prepared.map(() => uuidv7());
          const contractOf = new Map(prepared.map((p, i) => [p.row, contractIds[i]!]));
          await insertRows(
            tx,
            'Contract',
            chunkTables.contract,
            prepared.map((p, i) => ({
              id: contractIds[i],
              ...contractRecord(crypto, organisation, template!, p.fields, p.terms, { number: p.number, workerId: workerIds[i]!, createdAt }),
              status: finalState,
              revision: send ? 2 : 1,
              batchId,
              batchRow: p.row,
              updatedAt: createdAt,
            })),
          );
          await insertRows(
            tx,
            'Document',
            chunkTables.document,
            prepared.map((p, i) => ({
              id: documentIds[i],
              contractId: contractIds[i],
              kind: 'sealed',
              ...archivedPdf(stored[i]!),
              signatureSlots: p.rendered.signatureSlots,
              createdAt,
            })),
          );
          await insertRows(
            tx,
            'Signature',
            chunkTables.signature,
            prepared.map((p, i) => ({
              id: uuidv7(),
              contractId: contractIds[i],
              documentId: documentIds[i],
              role: 'employer',
              fieldName: 'employer-seal',
              signerName: organisation.name,
              certificateSerial: p.sealed.certificateSerial,
              signedAt: p.signingTime,
              timestampAt: p.signingTime,
              createdAt,
            })),
          );
          const events: AuditInput[] = [];
          const links = new Map<string, { id: string; expiresAt: Date }>();
          if (send) {
            const invitations = prepared.map((p) => ({
              contractId: contractOf.get(p.row)!,
              ...workerSigning.invitation(organisation.name, { name: p.terms.worker.name, phone: p.terms.worker.phone! }, p.number),
            }));
            const rows = invitations.map((v) => ({ id: uuidv7(), contractId: v.contractId, tokenHash: v.tokenHash, expiresAt: v.expiresAt, createdAt }));
            await insertRows(tx, 'SigningLink', chunkTables.signingLink, rows);
            for (const link of rows) links.set(link.contractId, link);
            await this.deps.outbox.enqueueMany(
              tx,
              invitations.map((v) => v.message),
            );
          }
          for (const [i, p] of prepared.entries()) {
            const contractId = contractOf.get(p.row)!;
            const base = { chain: contractId, contractId, actor: systemActor };
            events.push({
              ...base,
              type: 'contract.created',
              data: {
                number: p.number,
                templateId: template!.id,
                templateVersion: template!.version,
                draftSha256: p.sealed.priorSha256,
                pageCount: p.rendered.pageCount,
                batchId,
                batchRow: p.row,
                warnings: [],
              },
            });
            events.push({ ...base, type: 'contract.sealed', data: { documentSha256: stored[i]!.sha256, certificateSerial: p.sealed.certificateSerial, authorisationId } });
            const link = links.get(contractId);
            if (link) events.push({ ...base, type: 'contract.sent', data: { linkId: link.id, expiresAt: link.expiresAt.toISOString() } });
          }
          await this.deps.audit.appendMany(tx, events);
          await settleIntents(
            tx,
            stored.map((s) => s.key),
          );
          await tx.$executeRaw`update "BatchRow" set status = 'done', "updatedAt" = ${new Date().toISOString()}::timestamp(3) where "batchId" = ${batchId}::uuid and row = any(${prepared.map((p) => p.row)}::int[])`;
        }
        for (const failure of failures) await tx.batchRow.update({ where: { batchId_row: { batchId, row: failure.row } }, data: { status: 'failed', error: failure.error, objectKey: null } });
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
    await recording.catch(async (error: unknown) => {
      // Nothing recorded (another worker finished these rows, or the database failed): our objects go.
      await removeUnrecorded(
        this.deps.db,
        this.deps.archive,
        stored.map((s) => s.key),
      )
        .then(() => this.deps.db.objectIntent.deleteMany({ where: { key: { in: stored.map((s) => s.key) }, attemptId: attempt } }))
        .catch(() => undefined);
      throw error;
    });
  }

  /** The queue's handler: a job that fails its last attempt marks its unfinished rows failed, so the batch ends. */
  async work(job: BatchJob, attempt: { lastAttempt: boolean }): Promise<void> {
    try {
      await this.processChunk(job);
    } catch (error) {
      if (!attempt.lastAttempt) throw error;
      const message = `processing failed after every retry: ${(error as Error).message}`.slice(0, 500);
      await this.deps.db.batchRow.updateMany({ where: { batchId: job.batchId, row: { in: job.rows }, status: 'pending' }, data: { status: 'failed', error: message } });
    }
  }

  private async recordFailures(batchId: string, attempt: string, failures: { row: number; error: string }[]) {
    await this.deps.db.$transaction(async (tx) => {
      for (const failure of failures) await tx.batchRow.updateMany({ where: { batchId, row: failure.row, attemptId: attempt, status: 'pending' }, data: { status: 'failed', error: failure.error } });
    });
  }
}
