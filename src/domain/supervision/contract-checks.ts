/**
 * Supervision rules that re-use the labor-law contract rules on the contracts in force:
 * wages against the minimum wage, probation, working-hours approval, dispatch terms and
 * mandatory clauses. A contract without full terms is checked on the fields its record holds.
 */
import { isEffective } from '../contract-lifecycle.ts';
import type { ContractTerms } from '../contract-terms.ts';
import {
  art17MandatoryContent,
  art19ProbationCap,
  art19ProbationWithinTerm,
  art19SingleProbation,
  art20ProbationWage,
  contractWageAboveMinimum,
  dispatchFixedTermOfTwoYears,
  dispatchPostNature,
  dispatchProhibitedPost,
  hoursApprovalNumber,
  partTimeHourlyWage,
  partTimeNoProbation,
  type CheckContext,
  type ContractRule,
  type RuleInput,
  ruleInputFor,
} from '../labor-law.ts';
import { alertFromViolation } from './alerts.ts';
import { wasSigned } from './roster.ts';
import type { Alert, ContractRecord, EmployerSnapshot, SupervisionContext } from './types.ts';

/** Terms with every party field blank: the rules used here never read them. */
export function blankTerms(employer: EmployerSnapshot): ContractTerms {
  return {
    kind: 'labor_contract',
    employer: { name: '', uscc: employer.uscc, legalRepresentative: '', address: '', regionCode: employer.regionCode },
    worker: { name: '', idNumber: '', address: '' },
    employmentForm: 'labor_contract',
    termType: 'fixed',
    minimumWageTier: employer.minimumWageTier,
  };
}

/** The contract's terms, with the record's own fields taking precedence (they are what was signed and renewed). */
export function supervisedTerms(contract: ContractRecord, employer: EmployerSnapshot): ContractTerms {
  const base = contract.terms ?? blankTerms(employer);
  return {
    ...base,
    kind: contract.kind,
    employmentForm: contract.employmentForm,
    termType: contract.termType,
    startDate: contract.startDate,
    endDate: contract.endDate,
    probation: contract.probation ?? base.probation,
    hours: contract.hours ?? base.hours,
    wage: { ...base.wage, monthly: contract.monthlyWage ?? base.wage?.monthly, hourly: contract.hourlyWage ?? base.wage?.hourly },
    minimumWageTier: base.minimumWageTier ?? employer.minimumWageTier,
  };
}

/**
 * Unlike checkContract, which judges a new contract on its start date, supervision judges a
 * contract in force on asOf: its wage must meet the minimum wage in force today.
 */
function ruleInput(terms: ContractTerms, ctx: CheckContext, asOf: string): RuleInput {
  const startDate = terms.startDate;
  return ruleInputFor(terms, ctx, startDate !== undefined && startDate > asOf ? startDate : asOf);
}

/** Art. 19: one probation per employer–worker pair, counting earlier contracts on the platform. */
function hadEarlierProbation(contract: ContractRecord, context: SupervisionContext): boolean {
  if (contract.priorProbationWithEmployer) return true;
  const start = contract.probation?.startDate;
  if (start === undefined) return false;
  return context
    .contractsOf(contract.workerKey)
    .some((other) => other.contractId !== contract.contractId && wasSigned(other.status) && other.probation !== undefined && other.probation.startDate < start);
}

interface ContractCheck {
  rules: readonly ContractRule[];
  /** Codes the supervision rule reports; every code when absent. */
  codes?: ReadonlySet<string>;
  /** Only contracts that carry full terms (the check reads clauses the record lacks). */
  needsTerms?: boolean;
  applies?: (terms: ContractTerms) => boolean;
}

/** A supervision rule running labor-law rules over every contract in force. */
export function contractCheck({ rules, codes, needsTerms, applies }: ContractCheck) {
  return (context: SupervisionContext): Alert[] =>
    context.contracts
      .filter((contract) => isEffective(contract.status) && (!needsTerms || contract.terms !== undefined))
      .flatMap((contract) => {
        const terms = supervisedTerms(contract, context.employer);
        if (applies && !applies(terms)) return [];
        const ctx: CheckContext = { priorProbationWithEmployer: hadEarlierProbation(contract, context), today: context.asOf };
        const input = ruleInput(terms, ctx, context.asOf);
        return rules
          .flatMap((rule) => rule(input))
          .filter((violation) => !codes || codes.has(violation.code))
          .map((violation) => alertFromViolation(violation, { workerKey: contract.workerKey, contractId: contract.contractId }));
      });
}

/** Contract, probation and hourly wages against the minimum wage (劳动法 第四十八条, 劳动合同法 第二十、七十二条). */
export const wagesAboveMinimum = contractCheck({
  rules: [contractWageAboveMinimum, art20ProbationWage, partTimeHourlyWage],
  codes: new Set(['WAGE_BELOW_MINIMUM', 'ART20_PROBATION_WAGE_BELOW_MINIMUM', 'ART20_PROBATION_WAGE_BELOW_80_PERCENT', 'ART72_HOURLY_WAGE_BELOW_MINIMUM', 'MINIMUM_WAGE_UNKNOWN']),
});

/** 劳动合同法 第十九条 (cap, within the term, only once) and 第七十条 (none for part-time). */
export const probationLawful = contractCheck({ rules: [art19ProbationCap, art19ProbationWithinTerm, art19SingleProbation, partTimeNoProbation] });

/** 劳动法 第三十九条: 综合计算工时 / 不定时 need the bureau's approval number. */
export const hoursApproved = contractCheck({ rules: [hoursApprovalNumber] });

/** 劳动合同法 第五十八、六十六条: a dispatch contract of two years or more, lawful post nature and post. */
export const dispatchContractsLawful = contractCheck({
  rules: [dispatchFixedTermOfTwoYears, dispatchPostNature, dispatchProhibitedPost],
  applies: (terms) => terms.kind === 'dispatch' || terms.employmentForm === 'dispatch',
});

/** 劳动合同法 第十七条: mandatory clauses, for contracts whose full terms are known. */
export const mandatoryClausesPresent = contractCheck({ rules: [art17MandatoryContent], needsTerms: true });
