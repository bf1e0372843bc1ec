/**
 * What a template folder declares (templates/<id>/<version>/manifest.ts) and how each kind of
 * template maps its fields onto the ContractTerms the labor-law rules judge. Templates carry
 * data only; the mapping lives here, once per kind.
 */
import type { z } from 'zod';
import type { ContractTerms, EmploymentForm } from '../domain/contract-terms.ts';

export const templateKinds = ['labor_contract', 'dispatch', 'platform_work', 'internal_retirement', 'renewal', 'change', 'termination_certificate', 'evidence_report'] as const;
export type TemplateKind = (typeof templateKinds)[number];

export interface TemplateManifest<Schema extends z.ZodObject = z.ZodObject> {
  id: string;
  version: string;
  title: string;
  kind: TemplateKind;
  /** Where the text comes from (e.g. 人社部 2019 劳动合同示范文本). */
  source: string;
  fields: Schema;
  /** A complete, lawful example used by tests, docs/samples and the API documentation. */
  example: z.input<Schema>;
}

export function defineTemplate<Schema extends z.ZodObject>(manifest: TemplateManifest<Schema>): TemplateManifest<Schema> {
  return manifest;
}

type Fields = Record<string, unknown>;

const employmentForms: Partial<Record<TemplateKind, EmploymentForm>> = {
  labor_contract: 'labor_contract',
  dispatch: 'dispatch',
  platform_work: 'labor_contract',
  internal_retirement: 'labor_contract',
};

const termsKeys = [
  'employer',
  'worker',
  'termType',
  'startDate',
  'endDate',
  'taskDescription',
  'probation',
  'jobTitle',
  'workplace',
  'hours',
  'wage',
  'socialInsurance',
  'laborProtection',
  'minimumWageTier',
  'dispatch',
  'internalRetirement',
  'jobDescription',
  'jobCategory',
  'workplaceRegionCode',
  'employmentStartDate',
  'continuousServiceYears',
  'priorFixedTermContracts',
  'workerRequestsFixedTerm',
  'serviceAgreement',
  'nonCompete',
  'otherTerms',
] as const;

/**
 * The terms of a contract in its own right (labor, dispatch, platform work, 内部退养), or
 * undefined for documents that are not (续订/变更 attachments, 证明书, reports).
 */
export function contractTermsOf(kind: TemplateKind, fields: Fields): ContractTerms | undefined {
  const form = employmentForms[kind];
  if (!form) return undefined;
  const picked = Object.fromEntries(termsKeys.filter((key) => fields[key] !== undefined).map((key) => [key, fields[key]]));
  const partTime = fields.employmentForm === 'part_time';
  return {
    termType: 'open_ended',
    ...picked,
    kind: kind === 'labor_contract' ? 'labor_contract' : (kind as ContractTerms['kind']),
    employmentForm: partTime ? 'part_time' : form,
  } as ContractTerms;
}

/**
 * The terms the labor-law rules judge for any document that sets or changes terms: a contract,
 * or a 续订书 / 变更书 (the same engine judges a renewal's term and a change's figures).
 * Undefined for documents that set no terms (证明书, reports).
 */
export function documentTermsOf(kind: TemplateKind, fields: Fields): ContractTerms | undefined {
  if (kind !== 'renewal' && kind !== 'change') return contractTermsOf(kind, fields);
  const picked = Object.fromEntries(termsKeys.filter((key) => fields[key] !== undefined).map((key) => [key, fields[key]]));
  const terms = { termType: 'fixed', ...picked, kind, employmentForm: 'labor_contract' } as ContractTerms;
  if (kind === 'change') {
    const changes = (fields.changes ?? {}) as Record<string, { after?: unknown } | undefined>;
    terms.change = {
      effectiveDate: fields.effectiveDate as string,
      ...(changes.monthlyWage ? { monthlyWage: changes.monthlyWage.after as number } : {}),
      ...(changes.endDate ? { endDate: changes.endDate.after as string } : {}),
      ...(changes.hoursSystem ? { hoursSystem: changes.hoursSystem.after as never } : {}),
    };
  }
  return terms;
}
