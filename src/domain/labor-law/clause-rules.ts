/**
 * Agreed clauses: 服务期 (Art. 22), 竞业限制 (Art. 23–24, 最高法劳动争议解释（一） Art. 36),
 * 违约金 only where Art. 25 allows it (those two), and the free text of 双方约定的其他事项
 * scanned for what the law forbids (押金 and 扣押证件, Art. 9; 罚款 and other penalties) and for
 * service-period or non-compete terms, judged like the structured clauses.
 */
import { ARTICLE, atLeastPercent, cents, filled, isAmount, isEmploymentContract, tierZh, validDate, violation, yuan, type RuleInput, type Violation } from './core.ts';

export const NON_COMPETE_MAX_MONTHS = 24;
export const NON_COMPETE_ROLES = ['senior_management', 'senior_technical', 'confidentiality_obligated'] as const;

export function art22ServiceAgreement({ terms }: RuleInput): Violation[] {
  const service = terms.serviceAgreement;
  if (!service || !isEmploymentContract(terms)) return [];
  const found: Violation[] = [];
  if (!isAmount(service.trainingCost) || service.trainingCost <= 0) {
    found.push(
      violation(
        'ART22_TRAINING_COST_MISSING',
        ARTICLE.serviceAgreement,
        'error',
        'serviceAgreement.trainingCost',
        '约定服务期须以用人单位提供专项培训费用为前提，应写明培训费用',
        'a service period requires special training paid by the employer: state its cost',
      ),
    );
  }
  const start = validDate(service.startDate);
  const end = validDate(service.endDate);
  if (start && end && end < start) {
    found.push(
      violation(
        'ART22_SERVICE_END_BEFORE_START',
        ARTICLE.serviceAgreement,
        'error',
        'serviceAgreement.endDate',
        `服务期终止日期 ${end} 早于起始日期 ${start}`,
        `the service period ends (${end}) before it starts (${start})`,
      ),
    );
  }
  if (isAmount(service.penalty) && isAmount(service.trainingCost) && cents(service.penalty) > cents(service.trainingCost)) {
    found.push(
      violation(
        'ART22_PENALTY_EXCEEDS_TRAINING_COST',
        ARTICLE.serviceAgreement,
        'error',
        'serviceAgreement.penalty',
        `服务期违约金 ${yuan(service.penalty)} 元不得超过用人单位提供的培训费用 ${yuan(service.trainingCost)} 元`,
        `the service-period penalty ${yuan(service.penalty)} may not exceed the training cost ${yuan(service.trainingCost)}`,
      ),
    );
  }
  return found;
}

export function art23NonCompete(input: RuleInput): Violation[] {
  const { terms } = input;
  const clause = terms.nonCompete;
  if (!clause || !isEmploymentContract(terms)) return [];
  const found: Violation[] = [];
  if (!(NON_COMPETE_ROLES as readonly string[]).includes(clause.role)) {
    found.push(
      violation(
        'ART24_NON_COMPETE_ROLE',
        ARTICLE.nonCompete,
        'error',
        'nonCompete.role',
        '竞业限制的人员限于用人单位的高级管理人员、高级技术人员和其他负有保密义务的人员',
        'a non-compete binds only senior management, senior technical staff and others with confidentiality obligations',
      ),
    );
  }
  if (isAmount(clause.months) && clause.months > NON_COMPETE_MAX_MONTHS) {
    found.push(
      violation(
        'ART24_NON_COMPETE_TOO_LONG',
        ARTICLE.nonCompete,
        'error',
        'nonCompete.months',
        `竞业限制期限不得超过二年，约定 ${clause.months} 个月`,
        `a non-compete lasts at most two years, ${clause.months} months agreed`,
      ),
    );
  }
  if (isAmount(clause.monthlyCompensation) && isAmount(clause.averageMonthlyWage) && !atLeastPercent(clause.monthlyCompensation, clause.averageMonthlyWage, 30)) {
    found.push(
      violation(
        'NON_COMPETE_COMPENSATION_BELOW_30_PERCENT',
        ARTICLE.nonCompeteCompensation,
        'error',
        'nonCompete.monthlyCompensation',
        `竞业限制经济补偿每月 ${yuan(clause.monthlyCompensation)} 元低于劳动合同解除或者终止前十二个月平均工资 ${yuan(clause.averageMonthlyWage)} 元的百分之三十`,
        `non-compete compensation ${yuan(clause.monthlyCompensation)} a month is below 30 % of the average wage of the last 12 months (${yuan(clause.averageMonthlyWage)})`,
      ),
    );
  }
  const minimum = input.minimumWage(input.referenceDate);
  if (minimum && isAmount(clause.monthlyCompensation) && cents(clause.monthlyCompensation) < cents(minimum.monthly)) {
    found.push(
      violation(
        'NON_COMPETE_COMPENSATION_BELOW_MINIMUM',
        ARTICLE.nonCompeteCompensation,
        'error',
        'nonCompete.monthlyCompensation',
        `竞业限制经济补偿每月 ${yuan(clause.monthlyCompensation)} 元低于劳动合同履行地最低工资标准 ${yuan(minimum.monthly)} 元（${tierZh(minimum)}）`,
        `non-compete compensation ${yuan(clause.monthlyCompensation)} a month is below the local minimum wage ${yuan(minimum.monthly)}`,
      ),
    );
  }
  return found;
}

/** Clauses the free text may not carry, each with the provision that forbids it. */
const PROHIBITED_TERMS: readonly { code: string; article: string; pattern: RegExp; zh: string; en: string }[] = [
  {
    code: 'ART9_DEPOSIT',
    article: ARTICLE.deposits,
    pattern: /押金|保证金|风险金|抵押金|培训押金|服装费/,
    zh: '用人单位不得要求劳动者提供担保或者以其他名义向劳动者收取财物（押金、保证金等）',
    en: 'the employer may not demand deposits or other property from the worker',
  },
  {
    code: 'ART9_ID_DOCUMENTS_HELD',
    article: ARTICLE.deposits,
    pattern: /(扣押|扣留|保管|代管|收取|上交).{0,6}(身份证|证件|毕业证|学历证|资格证|护照)/,
    zh: '用人单位不得扣押劳动者的居民身份证和其他证件',
    en: "the employer may not hold the worker's identity card or other documents",
  },
  {
    code: 'FINE_NOT_ALLOWED',
    article: ARTICLE.invalidClauses,
    pattern: /罚款|罚金|扣罚/,
    zh: '约定由用人单位对劳动者罚款的条款无法律依据，排除劳动者权利的条款无效',
    en: 'a clause letting the employer fine the worker has no legal basis and is void',
  },
];

const PENALTY = /违约金|赔偿金.{0,4}(离职|辞职)/;
const SERVICE_PERIOD = /服务期/;
const NON_COMPETE = /竞业限制|竞业禁止|不得.{0,10}(竞争|同行|同类)/;
const CN_NUMBERS: Record<string, number> = { 一: 1, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/** Months of the longest duration the text gives ('三年', '36个月', '2 年'), if any. */
function longestMonths(text: string): number | undefined {
  const found = [...text.matchAll(/(\d+|[一两二三四五六七八九十])\s*(年|个月)/g)].map((m) => (CN_NUMBERS[m[1]!] ?? Number(m[1])) * (m[2] === '年' ? 12 : 1));
  return found.length ? Math.max(...found) : undefined;
}

export function otherTermsScan({ terms }: RuleInput): Violation[] {
  const text = terms.otherTerms;
  if (!filled(text)) return [];
  const found: Violation[] = PROHIBITED_TERMS.filter((term) => term.pattern.test(text)).map((term) => violation(term.code, term.article, 'error', 'otherTerms', term.zh, term.en));
  const sentences = text.split(/[。；;\n]/).filter((s) => s.trim() !== '');
  for (const sentence of sentences) {
    if (PENALTY.test(sentence) && !SERVICE_PERIOD.test(sentence) && !NON_COMPETE.test(sentence)) {
      found.push(
        violation(
          'ART25_PENALTY_NOT_ALLOWED',
          ARTICLE.penalties,
          'error',
          'otherTerms',
          '除服务期和竞业限制外，用人单位不得与劳动者约定由劳动者承担违约金',
          'apart from a service period or a non-compete, no penalty may be imposed on the worker',
        ),
      );
      break;
    }
  }
  const nonCompete = sentences.filter((s) => NON_COMPETE.test(s));
  if (nonCompete.length) {
    const months = longestMonths(nonCompete.join('。'));
    if (months !== undefined && months > NON_COMPETE_MAX_MONTHS) {
      found.push(
        violation(
          'ART24_NON_COMPETE_TOO_LONG',
          ARTICLE.nonCompete,
          'error',
          'otherTerms',
          `其他事项中的竞业限制期限不得超过二年，约定 ${months} 个月`,
          `the non-compete in the other terms lasts ${months} months; at most two years`,
        ),
      );
    }
    if (!terms.nonCompete) {
      found.push(
        violation(
          'NON_COMPETE_UNSTRUCTURED',
          ARTICLE.nonCompete,
          'warning',
          'otherTerms',
          '其他事项中约定了竞业限制：请使用竞业限制条款填写人员类别、期限和经济补偿，以便依法核对',
          'the other terms contain a non-compete: use the non-compete clause (role, duration, compensation) so it can be checked',
        ),
      );
    }
  }
  if (sentences.some((s) => SERVICE_PERIOD.test(s)) && !terms.serviceAgreement) {
    found.push(
      violation(
        'SERVICE_PERIOD_UNSTRUCTURED',
        ARTICLE.serviceAgreement,
        'warning',
        'otherTerms',
        '其他事项中约定了服务期：请使用服务期条款填写培训费用和违约金，以便依法核对',
        'the other terms contain a service period: use the service-period clause (training cost, penalty) so it can be checked',
      ),
    );
  }
  return found;
}
