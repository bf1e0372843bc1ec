/**
 * 续订书 and 变更书: documents that renew or change an effective contract. They take the parties
 * and the prior contract from the record, are sealed and signed like a contract, and their
 * signing renews or changes the prior one (worker-signing/signature.ts).
 */
import type { Db } from '../../db/client.ts';
import type { Organisation } from '../../generated/prisma/client.ts';
import { Problem } from '../../problem.ts';
import type { FieldCrypto } from '../../security/field-crypto.ts';
import type { ObjectArchive } from '../../storage/archive.ts';
import { declaredPart } from '../../templates/strict.ts';
import type { AuditLog } from '../audit.ts';
import {
  contractFieldsColumn,
  newContractNumber,
  registerTemplateVersion,
  toDate,
  violationProblem,
  type ContractRequest,
  type ContractService,
  type RequestContext,
  type TemplateCatalog,
} from '../contracts.ts';
import { employerReader, loadContract } from './access.ts';
import { requireTransition } from './transitions.ts';
import { archivedPdf } from './documents.ts';

/** Template kinds that amend an effective contract and are signed the same way as a contract. */
export const attachmentKinds = { renewal: 'renew', change: 'change' } as const;

export class AttachmentService {
  constructor(private readonly deps: { db: Db; audit: AuditLog; archive: ObjectArchive; crypto: FieldCrypto; templates: TemplateCatalog; contracts: ContractService }) {}

  /**
   * A 续订书 or 变更书 for an effective contract: the parties and the prior contract are taken
   * from the record, the rest from the request. It becomes a document of its own that the
   * employer seals and the worker signs; signing it renews or changes the prior contract.
   */
  async create(organisation: Organisation, previousId: string, request: ContractRequest, context: RequestContext) {
    const { db, crypto } = this.deps;
    const previous = await loadContract(db, employerReader(organisation), previousId, 'contract.manage', { include: { worker: true } });
    const template = this.deps.templates.get(request.templateId, request.templateVersion);
    if (!template || !(template.kind in attachmentKinds)) {
      throw Problem.badRequest([{ field: 'templateId', in: 'body', rule: 'attachment_template', message: 'must be a renewal (续订) or change (变更) template' }]);
    }
    // The prior contract must be in force for a renewal or change to attach to it.
    requireTransition(previous.status, attachmentKinds[template.kind as keyof typeof attachmentKinds]);
    const previousFields = crypto.decryptJson<Record<string, unknown>>(previous.fieldsCipher, contractFieldsColumn);
    const day = (date: Date | null) => date?.toISOString().slice(0, 10);
    const fields = {
      ...request.fields,
      worker: declaredPart(template.fieldsSchema, 'worker', previousFields.worker),
      priorContract: { number: previous.number, signedDate: day(previous.effectiveAt), startDate: day(previous.startDate), endDate: day(previous.endDate) },
    };
    const { template: checked, fields: parsed, violations } = await this.deps.contracts.check(organisation, { ...request, fields });
    if (violations.some((v) => v.severity === 'error')) throw violationProblem(violations);
    const createdAt = new Date();
    const number = newContractNumber(createdAt);
    const { pdf, signatureSlots } = await this.deps.contracts.renderChecked({ template: checked, fields: parsed, documentNumber: number, createdAt });
    const stored = await this.deps.archive.put(pdf, { contentType: 'application/pdf' });
    return db.$transaction(async (tx) => {
      await registerTemplateVersion(tx, checked);
      const startDate = (parsed.startDate ?? parsed.effectiveDate) as string | undefined;
      const contract = await tx.contract.create({
        data: {
          number,
          employerId: organisation.id,
          workerId: previous.workerId,
          templateId: checked.id,
          templateVersion: checked.version,
          fieldsCipher: crypto.encryptJson(parsed, contractFieldsColumn),
          employmentForm: previous.employmentForm,
          termType: (parsed.termType as string | undefined) ?? previous.termType,
          startDate: toDate(startDate),
          endDate: toDate((parsed.endDate as string | undefined) ?? undefined),
          regionCode: previous.regionCode,
          previousId: previous.id,
          createdAt,
        },
      });
      const document = await tx.document.create({
        data: {
          contractId: contract.id,
          kind: 'draft',
          ...archivedPdf(stored),
          signatureSlots: signatureSlots as object[],
        },
      });
      for (const chain of [contract.id, previous.id]) {
        await this.deps.audit.append(tx, {
          chain,
          contractId: chain,
          type: 'attachment.created',
          actor: context.actor,
          ip: context.ip,
          userAgent: context.userAgent,
          data: { attachment: contract.id, of: previous.id, kind: checked.kind, number, documentSha256: stored.sha256 },
        });
      }
      return { contract, document };
    });
  }
}
