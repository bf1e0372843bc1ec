/**
 * The rule table: every labor-law rule with the provision it applies, the ContractTerms fields
 * it reads, the codes it reports (with severity) and the reference data it uses. checkContract
 * runs these in order; docs/RULES.md is generated from this table (npm run rules:doc), so the
 * documentation cannot drift from the code.
 */
import { ARTICLE, type ContractRule, type Severity } from './core.ts';
import { art22ServiceAgreement, art23NonCompete, otherTermsScan } from './clause-rules.ts';
import {
  dispatchAgencyLicence,
  dispatchContractDetails,
  dispatchFixedTermOfTwoYears,
  dispatchIdlePay,
  dispatchPostNature,
  dispatchProhibitedPost,
  dispatchToItself,
  partTimeHourlyWage,
  partTimeHours,
  partTimeNoProbation,
  partTimePayInterval,
} from './dispatch-part-time-rules.ts';
import { identifiersValid, internalRetirementAllowance, internalRetirementEligibility, minorsProhibitedWork, workerOfMinimumAge } from './person-rules.ts';
import {
  art10WrittenContractInTime,
  art12TermConsistency,
  art14OpenEndedOwed,
  art17MandatoryContent,
  art19ProbationCap,
  art19ProbationWithinTerm,
  art19SingleProbation,
  art35ChangeDates,
  checkDates,
} from './term-rules.ts';
import { art20ProbationWage, changedWageAboveMinimum, contractWageAboveMinimum, hoursApprovalNumber, minimumWageReference, standardHoursCap } from './wage-hours-rules.ts';

export type ReferenceTable = 'minimum-wage' | 'divisions' | 'retirement-age';

export interface RuleSpec {
  name: string;
  check: ContractRule;
  article: string;
  /** ContractTerms fields (dotted) the rule reads. */
  reads: readonly string[];
  codes: readonly (readonly [code: string, severity: Severity])[];
  references?: readonly ReferenceTable[];
}

const E = 'error' as const;
const W = 'warning' as const;
const MW = 'MINIMUM_WAGE_UNKNOWN';

export const RULE_TABLE: readonly RuleSpec[] = [
  {
    name: 'checkDates',
    check: checkDates,
    article: `${ARTICLE.mandatory} 等`,
    reads: ['startDate', 'endDate', 'probation.*Date', 'dispatch.assignment*Date', 'internalRetirement.*Date', 'employmentStartDate', 'serviceAgreement.*Date', 'change.*Date'],
    codes: [['DATE_INVALID', E]],
  },
  {
    name: 'identifiersValid',
    check: identifiersValid,
    article: `${ARTICLE.residentId}、${ARTICLE.uscc}、${ARTICLE.regionCode}`,
    reads: ['worker.idNumber', 'employer.uscc', 'employer.regionCode', 'workplaceRegionCode', 'dispatch.agencyUscc', 'dispatch.hostEmployerUscc'],
    codes: [
      ['WORKER_ID_INVALID', E],
      ['EMPLOYER_USCC_INVALID', E],
      ['REGION_CODE_INVALID', E],
      ['DISPATCH_AGENCY_USCC_INVALID', E],
      ['DISPATCH_HOST_USCC_INVALID', E],
    ],
    references: ['divisions'],
  },
  {
    name: 'art17MandatoryContent',
    check: art17MandatoryContent,
    article: ARTICLE.mandatory,
    reads: ['employer.*', 'worker.*', 'startDate', 'jobTitle', 'workplace', 'hours.system', 'wage.monthly', 'wage.hourly', 'socialInsurance', 'laborProtection'],
    codes: [['ART17_*_MISSING', E]],
  },
  {
    name: 'art12TermConsistency',
    check: art12TermConsistency,
    article: ARTICLE.term,
    reads: ['kind', 'termType', 'startDate', 'endDate', 'taskDescription'],
    codes: [
      ['ART12_FIXED_TERM_END_MISSING', E],
      ['ART12_TERM_END_BEFORE_START', E],
      ['ART12_TASK_MISSING', E],
      ['ART12_OPEN_ENDED_WITH_END_DATE', W],
      ['ART12_TERM_TYPE_INVALID', E],
    ],
  },
  {
    name: 'art10WrittenContractInTime',
    check: art10WrittenContractInTime,
    article: `${ARTICLE.writtenContract}；${ARTICLE.deemedOpenEnded}`,
    reads: ['employmentStartDate', 'startDate', 'termType', '(the day the contract is made)'],
    codes: [
      ['ART10_TERM_STARTS_AFTER_EMPLOYMENT', W],
      ['ART82_LATE_WRITTEN_CONTRACT', W],
      ['ART14_DEEMED_OPEN_ENDED', E],
    ],
  },
  {
    name: 'art14OpenEndedOwed',
    check: art14OpenEndedOwed,
    article: ARTICLE.openEnded,
    reads: ['kind', 'termType', 'continuousServiceYears', 'priorFixedTermContracts', 'workerRequestsFixedTerm'],
    codes: [
      ['ART14_OPEN_ENDED_REQUIRED', E],
      ['ART14_FIXED_TERM_AT_WORKERS_REQUEST', W],
    ],
  },
  { name: 'workerOfMinimumAge', check: workerOfMinimumAge, article: ARTICLE.minimumAge, reads: ['worker.idNumber', 'startDate'], codes: [['WORKER_UNDER_16', E]] },
  {
    name: 'minorsProhibitedWork',
    check: minorsProhibitedWork,
    article: ARTICLE.minors,
    reads: ['worker.idNumber', 'startDate', 'jobCategory', 'jobTitle', 'jobDescription'],
    codes: [['MINOR_PROHIBITED_WORK', E]],
  },
  {
    name: 'art19ProbationCap',
    check: art19ProbationCap,
    article: ARTICLE.probation,
    reads: ['termType', 'startDate', 'endDate', 'probation'],
    codes: [
      ['ART19_PROBATION_END_BEFORE_START', E],
      ['ART19_PROBATION_NOT_ALLOWED', E],
      ['ART19_PROBATION_TOO_LONG', E],
    ],
  },
  { name: 'art19ProbationWithinTerm', check: art19ProbationWithinTerm, article: ARTICLE.probation, reads: ['startDate', 'endDate', 'probation'], codes: [['ART19_PROBATION_OUTSIDE_TERM', E]] },
  { name: 'art19SingleProbation', check: art19SingleProbation, article: ARTICLE.probation, reads: ['probation', '(earlier probations with the employer)'], codes: [['ART19_PROBATION_REPEATED', E]] },
  {
    name: 'art20ProbationWage',
    check: art20ProbationWage,
    article: ARTICLE.probationWage,
    reads: ['probation.monthlyWage', 'probation.startDate', 'wage.monthly', 'workplaceRegionCode', 'employer.regionCode'],
    codes: [
      ['ART20_PROBATION_WAGE_BELOW_80_PERCENT', E],
      ['ART20_PROBATION_WAGE_BELOW_MINIMUM', E],
      [MW, W],
    ],
    references: ['minimum-wage'],
  },
  {
    name: 'contractWageAboveMinimum',
    check: contractWageAboveMinimum,
    article: ARTICLE.minimumWage,
    reads: ['wage.monthly', 'wage.hourly', 'startDate', 'endDate', 'workplaceRegionCode', 'employer.regionCode', 'jobCategory'],
    codes: [
      ['WAGE_BELOW_MINIMUM', E],
      ['WAGE_BELOW_HOURLY_MINIMUM', E],
      ['WAGE_BELOW_LATER_MINIMUM', W],
      [MW, W],
    ],
    references: ['minimum-wage', 'divisions'],
  },
  {
    name: 'changedWageAboveMinimum',
    check: changedWageAboveMinimum,
    article: ARTICLE.minimumWage,
    reads: ['kind', 'change.monthlyWage', 'change.effectiveDate', 'workplaceRegionCode', 'employer.regionCode'],
    codes: [
      ['WAGE_BELOW_MINIMUM', E],
      [MW, W],
    ],
    references: ['minimum-wage'],
  },
  {
    name: 'minimumWageReference',
    check: minimumWageReference,
    article: ARTICLE.minimumWage,
    reads: ['workplaceRegionCode', 'employer.regionCode', 'minimumWageTier'],
    codes: [
      ['MINIMUM_WAGE_UNVERIFIED', W],
      ['MINIMUM_WAGE_TIER_UNKNOWN', W],
      ['MINIMUM_WAGE_TIER_DECLARED_IGNORED', W],
    ],
    references: ['minimum-wage'],
  },
  {
    name: 'standardHoursCap',
    check: standardHoursCap,
    article: ARTICLE.standardHours,
    reads: ['hours.system', 'hours.dailyHours', 'hours.weeklyHours', 'employmentForm'],
    codes: [
      ['HOURS_STANDARD_DAILY_EXCEEDED', E],
      ['HOURS_STANDARD_WEEKLY_EXCEEDED', E],
    ],
  },
  { name: 'hoursApprovalNumber', check: hoursApprovalNumber, article: ARTICLE.hoursApproval, reads: ['hours.system', 'hours.approvalNumber'], codes: [['HOURS_APPROVAL_NUMBER_MISSING', E]] },
  {
    name: 'dispatchContractDetails',
    check: dispatchContractDetails,
    article: ARTICLE.dispatchContract,
    reads: ['dispatch.hostEmployerName', 'dispatch.assignment*Date'],
    codes: [
      ['ART58_DISPATCH_DETAILS_MISSING', E],
      ['ART58_HOST_EMPLOYER_MISSING', E],
      ['ART58_ASSIGNMENT_END_BEFORE_START', E],
    ],
  },
  {
    name: 'dispatchFixedTermOfTwoYears',
    check: dispatchFixedTermOfTwoYears,
    article: ARTICLE.dispatchContract,
    reads: ['termType', 'startDate', 'endDate'],
    codes: [
      ['ART58_DISPATCH_TERM_NOT_FIXED', E],
      ['ART58_DISPATCH_TERM_TOO_SHORT', E],
    ],
  },
  {
    name: 'dispatchPostNature',
    check: dispatchPostNature,
    article: ARTICLE.dispatchPosts,
    reads: ['dispatch.postNature', 'dispatch.assignment*Date'],
    codes: [
      ['ART66_POST_NATURE_INVALID', E],
      ['ART66_TEMPORARY_POST_TOO_LONG', E],
    ],
  },
  { name: 'dispatchProhibitedPost', check: dispatchProhibitedPost, article: ARTICLE.shanxi2022, reads: ['dispatch.postCategory', 'jobTitle'], codes: [['DISPATCH_PROHIBITED_POST', E]] },
  {
    name: 'dispatchToItself',
    check: dispatchToItself,
    article: ARTICLE.selfDispatch,
    reads: ['dispatch.agencyUscc', 'dispatch.hostEmployerUscc', 'dispatch.agencyFoundedByHost'],
    codes: [
      ['ART67_SELF_DISPATCH', E],
      ['ART67_AGENCY_FOUNDED_BY_HOST', E],
    ],
  },
  {
    name: 'dispatchIdlePay',
    check: dispatchIdlePay,
    article: ARTICLE.dispatchContract,
    reads: ['dispatch.idlePayMonthly', 'workplaceRegionCode', 'employer.regionCode'],
    codes: [
      ['ART58_IDLE_PAY_BELOW_MINIMUM', E],
      [MW, W],
    ],
    references: ['minimum-wage'],
  },
  { name: 'dispatchAgencyLicence', check: dispatchAgencyLicence, article: ARTICLE.dispatchLicence, reads: ['dispatch.licenceNumber'], codes: [['ART57_AGENCY_LICENCE_MISSING', E]] },
  {
    name: 'partTimeHours',
    check: partTimeHours,
    article: ARTICLE.partTimeHours,
    reads: ['employmentForm', 'hours.dailyHours', 'hours.weeklyHours'],
    codes: [
      ['ART68_HOURS_UNSPECIFIED', W],
      ['ART68_DAILY_HOURS_EXCEEDED', E],
      ['ART68_WEEKLY_HOURS_EXCEEDED', E],
    ],
  },
  { name: 'partTimeNoProbation', check: partTimeNoProbation, article: ARTICLE.partTimeProbation, reads: ['employmentForm', 'probation'], codes: [['ART70_PART_TIME_PROBATION', E]] },
  {
    name: 'partTimeHourlyWage',
    check: partTimeHourlyWage,
    article: ARTICLE.partTimePay,
    reads: ['employmentForm', 'wage.hourly', 'workplaceRegionCode', 'employer.regionCode'],
    codes: [
      ['ART72_HOURLY_WAGE_MISSING', W],
      ['ART72_HOURLY_WAGE_BELOW_MINIMUM', E],
      [MW, W],
    ],
    references: ['minimum-wage'],
  },
  {
    name: 'partTimePayInterval',
    check: partTimePayInterval,
    article: ARTICLE.partTimePay,
    reads: ['employmentForm', 'wage.paymentIntervalDays'],
    codes: [
      ['ART72_PAY_INTERVAL_UNSPECIFIED', W],
      ['ART72_PAY_INTERVAL_TOO_LONG', E],
    ],
  },
  {
    name: 'art22ServiceAgreement',
    check: art22ServiceAgreement,
    article: ARTICLE.serviceAgreement,
    reads: ['serviceAgreement'],
    codes: [
      ['ART22_TRAINING_COST_MISSING', E],
      ['ART22_SERVICE_END_BEFORE_START', E],
      ['ART22_PENALTY_EXCEEDS_TRAINING_COST', E],
    ],
  },
  {
    name: 'art23NonCompete',
    check: art23NonCompete,
    article: `${ARTICLE.nonCompete}；${ARTICLE.nonCompeteCompensation}`,
    reads: ['nonCompete', 'workplaceRegionCode', 'employer.regionCode'],
    codes: [
      ['ART24_NON_COMPETE_ROLE', E],
      ['ART24_NON_COMPETE_TOO_LONG', E],
      ['NON_COMPETE_COMPENSATION_BELOW_30_PERCENT', E],
      ['NON_COMPETE_COMPENSATION_BELOW_MINIMUM', E],
    ],
    references: ['minimum-wage'],
  },
  {
    name: 'otherTermsScan',
    check: otherTermsScan,
    article: `${ARTICLE.deposits}、${ARTICLE.penalties}、${ARTICLE.invalidClauses}`,
    reads: ['otherTerms', 'nonCompete', 'serviceAgreement'],
    codes: [
      ['ART9_DEPOSIT', E],
      ['ART9_ID_DOCUMENTS_HELD', E],
      ['FINE_NOT_ALLOWED', E],
      ['ART25_PENALTY_NOT_ALLOWED', E],
      ['ART24_NON_COMPETE_TOO_LONG', E],
      ['NON_COMPETE_UNSTRUCTURED', W],
      ['SERVICE_PERIOD_UNSTRUCTURED', W],
    ],
  },
  { name: 'art35ChangeDates', check: art35ChangeDates, article: ARTICLE.change, reads: ['change.effectiveDate', 'change.endDate'], codes: [['ART35_CHANGED_END_BEFORE_EFFECTIVE', E]] },
  {
    name: 'internalRetirementEligibility',
    check: internalRetirementEligibility,
    article: ARTICLE.shanxi2022,
    reads: ['internalRetirement', 'worker.idNumber'],
    codes: [
      ['INTERNAL_RETIREMENT_DETAILS_MISSING', E],
      ['INTERNAL_RETIREMENT_BIRTH_DATE_MISMATCH', E],
      ['INTERNAL_RETIREMENT_CATEGORY_MISMATCH', E],
      ['INTERNAL_RETIREMENT_BIRTH_DATE_UNKNOWN', E],
      ['INTERNAL_RETIREMENT_AFTER_RETIREMENT_AGE', E],
      ['INTERNAL_RETIREMENT_TOO_EARLY', E],
    ],
    references: ['retirement-age'],
  },
  {
    name: 'internalRetirementAllowance',
    check: internalRetirementAllowance,
    article: ARTICLE.shanxi2022,
    reads: ['internalRetirement.monthlyAllowance', 'internalRetirement.startDate', 'workplaceRegionCode', 'employer.regionCode'],
    codes: [
      ['INTERNAL_RETIREMENT_ALLOWANCE_TOO_LOW', E],
      [MW, W],
    ],
    references: ['minimum-wage'],
  },
];

export const CONTRACT_RULES: readonly ContractRule[] = RULE_TABLE.map((rule) => rule.check);

/** True when `code` is one the table declares (ART17_*_MISSING stands for the Art. 17 family). */
export function declaredCode(code: string): boolean {
  return RULE_TABLE.some((rule) => rule.codes.some(([declared]) => declared === code || (declared.includes('*') && new RegExp(`^${declared.replace('*', '.+')}$`).test(code))));
}
