/**
 * 就业服务: the hires of a region checked against the employment subsidy seed policies
 * (src/domain/employment-policies.ts). Access and its log are the officials' (official-access.ts).
 */
import type { Db } from '../db/client.ts';
import { ageOn } from '../domain/calendar.ts';
import type { EmploymentForm, TermType } from '../domain/contract-terms.ts';
import { EMPLOYMENT_POLICIES, employmentPolicy, evaluateHire, pickPolicyContract, unemploymentInsuranceAgreed, type HireEligibility, type PolicyContract } from '../domain/employment-policies.ts';
import { Problem } from '../problem.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { contractFieldsColumn } from './contracts.ts';
import { maskIdNumber } from './contract/masking.ts';
import { requestedRegion, type AccessReason, type Official, type OfficialAccess } from './official-access.ts';
import { readWorker } from './workers.ts';

const effectiveStatuses = ['signed', 'renewed', 'changed'] as const;
const day = (date: Date | null | undefined) => date?.toISOString().slice(0, 10) ?? null;

export interface EmploymentHire {
  /** The roster entry. */
  id: string;
  worker: { name: string; idNumberMasked: string; ageAtHire: number | null };
  employer: { name: string; uscc: string };
  hireDate: string;
  employmentForm: string;
  graduationYear: number | null;
  /** The employer's contract in force the policies looked at; null when there is none. */
  contract: { id: string; number: string; kind: string; effectiveAt: Date | null; endDate: string | null; socialInsuranceAgreed: boolean; unemploymentInsuranceAgreed: boolean } | null;
  /** Seed policies (src/domain/employment-policies.ts) the hire qualifies for, and the failed conditions of the others. */
  eligibility: HireEligibility;
}

export class EmploymentHires {
  constructor(private readonly deps: { db: Db; crypto: FieldCrypto; officialAccess: OfficialAccess }) {}

  /**
   * 就业服务: hires in the region checked against the employment subsidy seed policies
   * (src/domain/employment-policies.ts): which each hire qualifies for and, for the others, the
   * failed conditions. `include`: 'contracted' (default without a policy: hires with a contract
   * in force), 'qualifying' (default with one: hires qualifying for a policy asked about) or
   * 'all'. Every listed hire is an access: logged on its contract, or on the worker without one.
   */
  async list(official: Official, query: { region: string; from: string; to: string; maxAgeAtHire?: number; policy?: string; include?: 'contracted' | 'qualifying' | 'all' }, reason: AccessReason) {
    this.deps.officialAccess.authorize(official, 'employment.hires');
    const region = requestedRegion(official, query.region);
    const asked = query.policy === undefined ? undefined : employmentPolicy(query.policy);
    if (query.policy !== undefined && !asked)
      throw Problem.badRequest([
        { field: 'policy', in: 'query', rule: 'known_policy', message: `unknown policy; one of ${EMPLOYMENT_POLICIES.map((p) => p.id).join(', ')}`, messageZh: '未知的补贴政策' },
      ]);
    const policies = asked ? [asked] : EMPLOYMENT_POLICIES;
    const include = query.include ?? (asked ? 'qualifying' : 'contracted');
    const { db, crypto } = this.deps;
    const entries = await db.rosterEntry.findMany({
      where: { hireDate: { gte: new Date(`${query.from}T00:00:00Z`), lte: new Date(`${query.to}T00:00:00Z`) }, organisation: { regionCode: { startsWith: region } } },
      include: {
        organisation: { select: { name: true, uscc: true } },
        worker: { include: { contracts: { where: { status: { in: [...effectiveStatuses] } }, include: { template: { select: { kind: true } } }, orderBy: { effectiveAt: 'desc' } } } },
      },
      orderBy: { hireDate: 'asc' },
      take: 1000,
    });
    const rows: EmploymentHire[] = [];
    for (const entry of entries) {
      const hireDate = day(entry.hireDate)!;
      const birthDate = day(entry.worker.birthDate) ?? undefined;
      const ageAtHire = birthDate ? ageOn(birthDate, hireDate) : null;
      if (query.maxAgeAtHire !== undefined && (ageAtHire === null || ageAtHire > query.maxAgeAtHire)) continue;
      const contract = pickPolicyContract(entry.worker.contracts.filter((c) => c.employerId === entry.organisationId).map((c) => ({ ...c, kind: c.template.kind })));
      const fields = contract ? crypto.decryptJson<{ socialInsurance?: boolean; unemploymentInsurance?: boolean }>(contract.fieldsCipher, contractFieldsColumn) : undefined;
      const policyContract: PolicyContract | undefined = contract && {
        status: contract.status,
        kind: contract.kind,
        employmentForm: contract.employmentForm as EmploymentForm,
        termType: contract.termType as TermType,
        ...(contract.startDate ? { startDate: day(contract.startDate)! } : {}),
        ...(contract.endDate ? { endDate: day(contract.endDate)! } : {}),
        socialInsurance: fields?.socialInsurance === true,
        ...(typeof fields?.unemploymentInsurance === 'boolean' ? { unemploymentInsurance: fields.unemploymentInsurance } : {}),
      };
      const eligibility = evaluateHire(
        {
          hireDate,
          employmentForm: entry.employmentForm as EmploymentForm,
          ...(entry.graduationYear !== null ? { graduationYear: entry.graduationYear } : {}),
          ...(birthDate ? { birthDate } : {}),
          ...(policyContract ? { contract: policyContract } : {}),
        },
        policies,
      );
      if (include === 'contracted' ? !contract : include === 'qualifying' ? !eligibility.qualifies.length : false) continue;
      const worker = readWorker(crypto, entry.worker);
      rows.push({
        id: entry.id,
        worker: { name: worker.name, idNumberMasked: maskIdNumber(worker.idNumber), ageAtHire },
        employer: entry.organisation,
        hireDate,
        employmentForm: entry.employmentForm,
        graduationYear: entry.graduationYear,
        contract:
          contract && policyContract
            ? {
                id: contract.id,
                number: contract.number,
                kind: contract.kind,
                effectiveAt: contract.effectiveAt,
                endDate: day(contract.endDate),
                socialInsuranceAgreed: policyContract.socialInsurance,
                unemploymentInsuranceAgreed: unemploymentInsuranceAgreed(policyContract),
              }
            : null,
        eligibility,
      });
    }
    await db.$transaction(async (tx) => {
      for (const row of rows)
        await this.deps.officialAccess.log(tx, official, {
          action: 'employment.hire_read',
          ...(row.contract ? { contractId: row.contract.id } : { workerId: entries.find((e) => e.id === row.id)!.workerId }),
          ...reason,
        });
    });
    return {
      policies: policies.map((policy) => ({ ...policy, hires: rows.filter((row) => row.eligibility.qualifies.includes(policy.id)).map((row) => row.id) })),
      items: rows,
    };
  }
}
