/**
 * Creating contracts: template fields → labor-law check → PDF → archive → database, with the
 * employer's own registered data filled in (never trusted from the request). The object is
 * archived before the transaction: if the transaction fails, what remains is an unreferenced,
 * content-addressed object, never a contract row without its document.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { UnrenderableCharacterError } from '../pdf/layout.ts';
import type { RenderedDocument } from '../pdf/contract-renderer.ts';
import type { LoadedTemplate } from '../templates/catalog.ts';
import type { ColumnSpec } from '../db/bulk-insert.ts';
import type { Db, DbTx } from '../db/client.ts';
import type { ContractTerms } from '../domain/contract-terms.ts';
import { checkContract, type Violation } from '../domain/labor-law.ts';
import type { Organisation } from '../generated/prisma/client.ts';
import { Problem, type FieldProblem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import type { ObjectArchive } from '../storage/archive.ts';
import type { Actor, AuditLog } from './audit.ts';
import { idNumberIndex, upsertWorker } from './workers.ts';
import { shanghaiDate } from '../domain/calendar.ts';
import { archivedPdf } from './contract/documents.ts';

/** Templates as src/templates loads them. */
export type ContractTemplate = LoadedTemplate;

export interface TemplateCatalog {
  /** The latest version of every template. */
  list(): ContractTemplate[];
  get(id: string, version?: string): ContractTemplate | undefined;
}

/** What this service needs of the renderer (src/pdf provides it). */
export interface DocumentRenderer {
  render(input: { template: ContractTemplate; fields: Record<string, unknown>; documentNumber: string; createdAt: Date; commonText?: string }): Promise<RenderedDocument>;
}

export interface ContractRequest {
  templateId: string;
  templateVersion?: string;
  fields: Record<string, unknown>;
}

export interface RequestContext {
  actor: Actor;
  ip?: string;
  userAgent?: string;
}

export const contractFieldsColumn = 'Contract.fields';

/** Statuses in which a contract's probation has been agreed (Art. 19: one probation per pair). */
const agreedStatuses = ['signed', 'renewed', 'changed', 'terminated', 'expired'] as const;

export function newContractNumber(now = new Date()): string {
  const day = shanghaiDate(now).replaceAll('-', '');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  const suffix = [...randomBytes(8)].map((b) => alphabet[b % 32]).join('');
  return `LS${day}${suffix}`;
}

function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue): FieldProblem[] => {
    // Each unknown key on its own path: the employer learns which field to remove (never stripped).
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: ['fields', ...issue.path, key].join('.'),
        in: 'body',
        rule: issue.code,
        message: `unknown field "${key}"`,
        messageZh: '模板没有此项，请删除或检查拼写',
      }));
    }
    // A schema's own rule (a refinement's params, e.g. no_control_characters) names the rule when it has one.
    const own = (issue as { params?: { rule?: string; messageZh?: string } }).params;
    return [{ field: ['fields', ...issue.path].join('.'), in: 'body', rule: own?.rule ?? issue.code, message: issue.message, ...(own?.messageZh ? { messageZh: own.messageZh } : {}) }];
  });
}

export function violationProblem(violations: Violation[]): Problem {
  const errors = violations.filter((v) => v.severity === 'error');
  return new Problem(
    422,
    'labor-law',
    'The contract violates labor law',
    `${errors.length} rule(s) of labor law are violated; see violations.`,
    errors.map((v) => ({ field: v.field, rule: v.code, message: v.messageEn, messageZh: v.messageZh })),
    { violations },
  );
}

export class ContractService {
  constructor(private readonly deps: { db: Db; audit: AuditLog; archive: ObjectArchive; crypto: FieldCrypto; templates: TemplateCatalog; renderer: DocumentRenderer }) {}

  private template(request: ContractRequest): ContractTemplate {
    const template = this.deps.templates.get(request.templateId, request.templateVersion);
    // Internal templates (出证/验证报告) are the platform's own documents, never an employer's request.
    if (!template || template.internal) {
      throw new Problem(404, 'template-not-found', 'Template not found', `No template ${request.templateId}${request.templateVersion ? `@${request.templateVersion}` : ''}.`, [
        { field: request.templateVersion ? 'templateVersion' : 'templateId', in: 'body', rule: 'exists', message: 'no such template (version)' },
      ]);
    }
    return template;
  }

  /** Parses fields with the template's schema, the employer part taken from the registered organisation. */
  private parseFields(template: ContractTemplate, organisation: Organisation, fields: Record<string, unknown>) {
    const merged = {
      ...fields,
      employer: {
        ...(fields.employer as Record<string, unknown> | undefined),
        name: organisation.name,
        uscc: organisation.uscc,
        legalRepresentative: organisation.legalRepresentative,
        address: organisation.address,
        regionCode: organisation.regionCode,
        ...(organisation.phone ? { phone: organisation.phone } : {}),
      },
    };
    const parsed = template.fieldsSchema.safeParse(merged);
    if (!parsed.success) throw Problem.badRequest(fieldProblems(parsed.error), 'Some contract fields are missing or invalid.');
    return parsed.data;
  }

  /** Which of these workers (by ID-number index) already agreed a probation with the employer (Art. 19). */
  private async priorProbations(organisationId: string, idIndexes: string[]): Promise<Set<string>> {
    if (!idIndexes.length) return new Set();
    const found = await this.deps.db.contract.findMany({
      where: { employerId: organisationId, status: { in: [...agreedStatuses] }, probationEnd: { not: null }, worker: { idIndex: { in: idIndexes } } },
      select: { worker: { select: { idIndex: true } } },
    });
    return new Set(found.map((c) => c.worker.idIndex));
  }

  /** Validates a request: 400 for malformed fields; returns every labor-law violation. */
  async check(organisation: Organisation, request: ContractRequest) {
    const template = this.template(request);
    const fields = this.parseFields(template, organisation, request.fields);
    const terms = template.toContractTerms(fields);
    // 续订书 and 变更书 are judged by the same rules as the contract they amend.
    const judged = terms ?? template.toDocumentTerms(fields);
    if (!judged) return { template, fields, terms, violations: [] as Violation[] };
    const prior = terms?.probation ? await this.priorProbations(organisation.id, [idNumberIndex(this.deps.crypto, terms.worker.idNumber)]) : new Set<string>();
    return { template, fields, terms, violations: checkContract(judged, { priorProbationWithEmployer: prior.size > 0, today: shanghaiDate(new Date()) }) };
  }

  /**
   * check() for the rows of a batch, with one database query for all of them. Within the batch
   * a worker may appear once: a second row for the same person is refused, naming the first.
   */
  async checkMany(organisation: Organisation, templateId: string, rows: { row: number; fields: Record<string, unknown> }[]) {
    const template = this.template({ templateId, fields: {} });
    const parsed = rows.map(({ row, fields }) => {
      try {
        const checked = this.parseFields(template, organisation, fields);
        return { row, fields: checked, terms: template.toContractTerms(checked) };
      } catch (error) {
        if (error instanceof Problem) return { row, problem: error };
        throw error;
      }
    });
    const indexOf = (terms: ContractTerms) => idNumberIndex(this.deps.crypto, terms.worker.idNumber);
    const prior = await this.priorProbations(
      organisation.id,
      parsed.flatMap((p) => (p.terms?.probation ? [indexOf(p.terms)] : [])),
    );
    const firstRow = new Map<string, number>();
    return parsed.map((p) => {
      if (!('fields' in p) || !p.terms)
        return { row: p.row, problem: p.problem ?? Problem.badRequest([{ field: 'templateId', in: 'body', rule: 'contract_template', message: 'this template is not a contract' }]) };
      const index = indexOf(p.terms);
      const earlier = firstRow.get(index);
      if (earlier !== undefined) {
        return {
          row: p.row,
          problem: Problem.badRequest([
            {
              field: 'worker.idNumber',
              in: 'body',
              rule: 'worker_once_per_batch',
              message: `the same worker is already in row ${earlier}`,
              messageZh: `该劳动者已在第 ${earlier} 行，同一批次中每人只能出现一次`,
            },
          ]),
        };
      }
      firstRow.set(index, p.row);
      const violations = checkContract(p.terms, { priorProbationWithEmployer: prior.has(index), today: shanghaiDate(new Date()) });
      return { row: p.row, fields: p.fields, terms: p.terms, violations };
    });
  }

  /** Renders, turning a character no vendored font can draw into a 422 naming the field. */
  renderChecked(input: Parameters<DocumentRenderer['render']>[0]): Promise<RenderedDocument> {
    return this.render(input);
  }

  private async render(input: Parameters<DocumentRenderer['render']>[0]): Promise<RenderedDocument> {
    try {
      return await this.deps.renderer.render(input);
    } catch (error) {
      if (!(error instanceof UnrenderableCharacterError)) throw error;
      const field = error.field ? `fields.${error.field}` : 'templateId';
      throw new Problem(422, 'unrenderable-character', 'A character cannot be printed', error.message, [
        { field, in: 'body', rule: 'printable', message: `“${error.character}”无法在合同中显示，请使用规范汉字` },
      ]);
    }
  }

  async preview(organisation: Organisation, request: ContractRequest): Promise<Uint8Array> {
    const { template, fields, violations } = await this.check(organisation, request);
    if (violations.some((v) => v.severity === 'error')) throw violationProblem(violations);
    const { pdf } = await this.render({ template, fields, documentNumber: 'PREVIEW-预览', createdAt: new Date() });
    return pdf;
  }

  /** `batch` places the contract at a row of a bulk batch; (batch, row) is unique, so a retried row never doubles. */
  async create(organisation: Organisation, request: ContractRequest, context: RequestContext, batch?: { id: string; row: number }) {
    const { template, fields, terms, violations } = await this.check(organisation, request);
    if (violations.some((v) => v.severity === 'error')) throw violationProblem(violations);
    if (!terms) throw Problem.badRequest([{ field: 'templateId', in: 'body', rule: 'contract_template', message: 'this template is not a contract; it is issued by its own workflow' }]);

    const createdAt = new Date();
    const number = newContractNumber(createdAt);
    const { pdf, pageCount, signatureSlots } = await this.render({ template, fields, documentNumber: number, createdAt });
    const stored = await this.deps.archive.put(pdf, { contentType: 'application/pdf' });

    return this.deps.db.$transaction(async (tx) => {
      await registerTemplateVersion(tx, template);
      const workerId = await upsertWorker(tx, this.deps.crypto, terms.worker);
      const contract = await tx.contract.create({
        data: { ...contractRecord(this.deps.crypto, organisation, template, fields, terms, { number, workerId, createdAt }), ...(batch ? { batchId: batch.id, batchRow: batch.row } : {}) },
      });
      const document = await tx.document.create({
        data: {
          contractId: contract.id,
          kind: 'draft',
          ...archivedPdf(stored),
          signatureSlots: signatureSlots as object[],
        },
      });
      await this.deps.audit.append(tx, {
        chain: contract.id,
        contractId: contract.id,
        type: 'contract.created',
        actor: context.actor,
        ip: context.ip,
        userAgent: context.userAgent,
        data: { number, templateId: template.id, templateVersion: template.version, documentSha256: stored.sha256, pageCount, warnings: violations.map((v) => v.code) },
      });
      return { contract, document, violations };
    });
  }
}

/** The columns of a new contract record: what the registers and supervision query, from the checked terms. */
export function contractRecord(
  crypto: FieldCrypto,
  organisation: Organisation,
  template: LoadedTemplate,
  fields: Record<string, unknown>,
  terms: ContractTerms,
  at: { number: string; workerId: string; createdAt: Date },
) {
  return {
    number: at.number,
    employerId: organisation.id,
    workerId: at.workerId,
    templateId: template.id,
    templateVersion: template.version,
    fieldsCipher: crypto.encryptJson(fields, contractFieldsColumn),
    employmentForm: terms.employmentForm,
    termType: terms.termType,
    startDate: toDate(terms.startDate),
    endDate: toDate(terms.endDate),
    probationEnd: toDate(terms.probation?.endDate),
    monthlyWage: terms.wage?.monthly ?? null,
    regionCode: organisation.regionCode,
    createdAt: at.createdAt,
  };
}

/** The columns of `contractRecord`'s row with `id` and `status`, for bulk inserts (db/bulk-insert.ts); callers add their own. */
export const contractRecordColumns = {
  id: 'uuid',
  number: 'text',
  employerId: 'uuid',
  workerId: 'uuid',
  templateId: 'text',
  templateVersion: 'text',
  fieldsCipher: 'bytea',
  status: { enum: 'ContractStatus' },
  employmentForm: 'text',
  termType: 'text',
  startDate: 'date',
  endDate: 'date',
  probationEnd: 'date',
  monthlyWage: 'numeric',
  regionCode: 'text',
} satisfies ColumnSpec;

/** A calendar date of the request as the date column stores it. */
export function toDate(iso: string | undefined): Date | null {
  return iso ? new Date(`${iso}T00:00:00Z`) : null;
}

/**
 * Records a template version at first use; a version whose text changed afterwards is refused.
 * Concurrent first uses all insert: ON CONFLICT DO NOTHING lets the others wait for the first
 * and then read its row (a plain insert failed them with a unique violation, a 500).
 */
export async function registerTemplateVersion(tx: DbTx, template: ContractTemplate): Promise<void> {
  const key = { templateId: template.id, version: template.version };
  await tx.templateVersion.createMany({ data: [{ ...key, title: template.title, kind: template.kind, contentHash: template.contentHash }], skipDuplicates: true });
  const existing = await tx.templateVersion.findUniqueOrThrow({ where: { templateId_version: key } });
  if (existing.contentHash !== template.contentHash) {
    throw new Problem(
      409,
      'template-version-changed',
      'Template version changed after use',
      `Template ${template.id}@${template.version} was used with different content; publish a new version instead of editing it.`,
    );
  }
}
