/**
 * Ending an effective contract (解除 or 终止): the employer's sealed 证明书 (劳动合同法 Art. 50,
 * 实施条例 Art. 24) is rendered from its template with the contract's own data, archived,
 * and recorded with the new state and the retention date in one transaction; the worker is
 * told it can be downloaded free from 我的合同.
 */
import { declaredPart } from '../templates/strict.ts';
import type { Db } from '../db/client.ts';
import { lengthOfService, retentionEnd } from '../domain/contract-lifecycle.ts';
import { compareIsoDates, isIsoDate } from '../domain/calendar.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import type { Outbox } from '../notify/outbox.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import { syncLegalHolds } from './legal-holds.ts';
import type { Actor, AuditLog } from './audit.ts';
import { contractFieldsColumn, type DocumentRenderer, type TemplateCatalog } from './contracts.ts';
import type { SealingService } from './sealing.ts';
import { sealFieldName, archivedPdf } from './contract/documents.ts';
import { readWorker } from './workers.ts';
import { employerReader, loadContract } from './contract/access.ts';
import { moveContract, requireTransition } from './contract/transitions.ts';

export const terminationCertificateTemplate = 'termination-certificate';

export interface TerminationRequest {
  ending: 'rescission' | 'termination';
  /** Last day of the employment relationship. */
  date: string;
  /** The reason and its legal basis, printed on the certificate. */
  reason: string;
}

const isoDay = (date: Date | null) => date?.toISOString().slice(0, 10);

export class TerminationService {
  constructor(
    private readonly deps: {
      db: Db;
      audit: AuditLog;
      archive: ObjectArchive;
      crypto: FieldCrypto;
      outbox: Outbox;
      templates: TemplateCatalog;
      renderer: DocumentRenderer;
      sealing: SealingService;
      publicBaseUrl: string;
    },
  ) {}

  async terminate(organisation: Organisation, contractId: string, request: TerminationRequest, context: { actor: Actor; ip?: string; userAgent?: string }) {
    const { db, archive, crypto } = this.deps;
    const contract = await loadContract(db, employerReader(organisation), contractId, 'contract.manage', { include: { worker: true } });
    const next = requireTransition(contract.status, 'terminate');
    const start = isoDay(contract.startDate) ?? isoDay(contract.effectiveAt)!;
    if (!isIsoDate(request.date) || compareIsoDates(request.date, start) < 0) {
      throw Problem.badRequest([{ field: 'date', in: 'body', rule: 'on_or_after_start', message: `must be a date on or after the contract start ${start}` }]);
    }
    const template = this.deps.templates.get(terminationCertificateTemplate);
    if (!template) throw new Error(`template ${terminationCertificateTemplate} is missing`);
    const fields = crypto.decryptJson(contract.fieldsCipher, contractFieldsColumn) as Record<string, unknown>;
    const worker = readWorker(crypto, contract.worker);
    const service = lengthOfService(start, request.date);
    const certificateFields = template.fieldsSchema.parse({
      employer: declaredPart(template.fieldsSchema, 'employer', fields.employer),
      worker: declaredPart(template.fieldsSchema, 'worker', { ...(fields.worker as object), name: worker.name, idNumber: worker.idNumber }),
      priorContract: { number: contract.number, signedDate: isoDay(contract.effectiveAt), startDate: isoDay(contract.startDate), endDate: isoDay(contract.endDate) },
      priorTermType: contract.termType,
      jobTitle: (fields.jobTitle as string | undefined) || '/',
      ending: request.ending,
      endingDate: request.date,
      reason: request.reason,
      serviceStartDate: start,
      serviceYears: service.years,
      serviceMonths: service.months,
    }) as Record<string, unknown>;

    const issuedAt = new Date();
    const number = `${contract.number}-Z`;
    const rendered = await this.deps.renderer.render({ template, fields: certificateFields, documentNumber: number, createdAt: issuedAt });
    const { pdf, certificateSerial } = await this.deps.sealing.sealPdf(organisation, rendered.pdf, rendered.signatureSlots, issuedAt, '用人单位出具解除（终止）劳动合同证明书');
    const retainUntil = new Date(`${retentionEnd(request.date)}T00:00:00Z`);
    const stored = await archive.put(pdf, { contentType: 'application/pdf', retainUntil });

    const result = await db.$transaction(async (tx) => {
      await moveContract(tx, contract, next, { whenChanged: 'The contract changed meanwhile; try again.', data: { terminatedAt: new Date(`${request.date}T00:00:00Z`), retainUntil } });
      await tx.document.updateMany({ where: { contractId: contract.id }, data: { retainUntil } });
      const document = await tx.document.create({
        data: {
          contractId: contract.id,
          kind: 'termination_certificate',
          ...archivedPdf(stored),
          retainUntil,
          signatureSlots: rendered.signatureSlots as object[],
        },
      });
      await tx.signature.create({
        data: {
          contractId: contract.id,
          documentId: document.id,
          role: 'employer',
          fieldName: sealFieldName,
          signerName: organisation.name,
          certificateSerial,
          signedAt: issuedAt,
          timestampAt: issuedAt,
        },
      });
      await this.deps.audit.append(tx, {
        chain: contract.id,
        contractId: contract.id,
        type: 'contract.terminated',
        actor: context.actor,
        ip: context.ip,
        userAgent: context.userAgent,
        data: { ending: request.ending, date: request.date, reason: request.reason, certificateSha256: stored.sha256, retainUntil: retentionEnd(request.date) },
      });
      if (worker.phone) {
        const word = request.ending === 'rescission' ? '解除' : '终止';
        await this.deps.outbox.enqueue(tx, {
          channel: 'sms',
          kind: 'terminated-worker',
          to: worker.phone,
          text: `【劳签】${organisation.name}已为您出具${word}劳动合同证明书（合同编号${contract.number}，${word}日期${request.date}）。您可在 ${this.deps.publicBaseUrl.replace(/\/+$/, '')}/w 免费查看、下载。`,
        });
      }
      return document;
    });
    // Objects already archived keep their lock until the new retention date.
    for (const document of await db.document.findMany({ where: { contractId: contract.id } })) await archive.extendRetention(document.objectKey, retainUntil, document.versionId);
    // A certificate issued while an arbitration or inspection case is open is held with the rest.
    await syncLegalHolds(db, archive, contract.id, { placeOnly: true });
    return { status: next, retainUntil: retentionEnd(request.date), certificate: { sha256: result.sha256, size: result.size } };
  }
}
