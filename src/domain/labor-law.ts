/**
 * Labor-law checks on the normalised terms of a contract. Each rule is a small named function
 * returning every violation it finds, in the module that owns its provision (src/domain/
 * labor-law/); rule-table.ts lists them with article, fields read and codes, and checkContract
 * runs them. Rules skip what they cannot judge (a malformed date is reported once, by
 * checkDates, and ignored by the others) so the result lists each problem once.
 */
import type { ContractTerms } from './contract-terms.ts';
import { ruleInputFor, validDate, type CheckContext, type ContractRule, type Violation } from './labor-law/core.ts';
import { CONTRACT_RULES } from './labor-law/rule-table.ts';

export { probationCapMonths, ruleInputFor, workplaceRegion, type CheckContext, type ContractRule, type RuleInput, type Severity, type Violation } from './labor-law/core.ts';
export { CONTRACT_RULES, RULE_TABLE, declaredCode, type RuleSpec } from './labor-law/rule-table.ts';
export * from './labor-law/term-rules.ts';
export * from './labor-law/wage-hours-rules.ts';
export * from './labor-law/dispatch-part-time-rules.ts';
export * from './labor-law/person-rules.ts';
export * from './labor-law/clause-rules.ts';

/** Every violation of every rule, in rule order. An empty list means the terms pass. */
export function checkContract(terms: ContractTerms, ctx: CheckContext, rules: readonly ContractRule[] = CONTRACT_RULES): Violation[] {
  const input = ruleInputFor(terms, ctx, validDate(terms.startDate) ?? validDate(ctx.today));
  return rules.flatMap((rule) => rule(input));
}

/** True when no violation is an error (warnings allowed). */
export function passes(violations: readonly Violation[]): boolean {
  return violations.every((v) => v.severity !== 'error');
}
