/**
 * zod building blocks for template fields. Field names deliberately mirror ContractTerms, so a
 * labor-law violation's path ('probation.endDate') is also the request field's path
 * ('fields.probation.endDate'). Presence of the clauses the law requires is judged by the
 * labor-law rules (with the article), not here: these schemas only fix types and formats.
 */
import { text as plainText } from '../support/text.ts';
import { z } from 'zod';

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .describe('日期，格式 YYYY-MM-DD');
export const yuan = z.number().nonnegative().multipleOf(0.01, 'at most 2 decimals').describe('金额（元，最多两位小数）');
/** Free text of a field (clauses may run over several lines); control characters are refused (src/support/text.ts). */
export const text = (max = 500) => plainText(max, { multiline: true });
/** One line: names, addresses. */
export const line = (max: number) => plainText(max);

/** The employer party; the platform fills it from the registered organisation. */
export const employerParty = z.object({
  name: text(200),
  uscc: text(18),
  legalRepresentative: text(50),
  address: text(200),
  regionCode: z.string().regex(/^\d{6}$/, 'must be a 6-digit 行政区划代码'),
  phone: text(30).optional(),
});

export const workerParty = z.object({
  name: line(50).min(1).describe('姓名'),
  idNumber: z.string().trim().toUpperCase().describe('居民身份证号码（18 位）'),
  address: line(200).describe('户籍地址或经常居住地'),
  phone: z
    .string()
    .regex(/^1\d{10}$/, 'must be an 11-digit mainland mobile number')
    .describe('手机号码（11 位），签署链接以短信发送至此号码'),
  emergencyContact: line(100).optional(),
});

export const termType = z.enum(['fixed', 'open_ended', 'task_based']).describe('固定期限 / 无固定期限 / 以完成一定工作任务为期限');

export const probation = z.object({ startDate: isoDate, endDate: isoDate, monthlyWage: yuan }).describe('试用期；不约定试用期则不填');

export const hours = z.object({
  system: z.enum(['standard', 'comprehensive', 'flexible']).describe('标准工时 / 综合计算工时 / 不定时工作制'),
  approvalNumber: text(100).optional().describe('特殊工时制度的审批文号，实行综合计算工时或不定时工作制时必填'),
  dailyHours: z.number().positive().max(24).optional(),
  weeklyHours: z.number().positive().max(168).optional(),
});

export const wage = z.object({
  monthly: yuan.optional().describe('月工资'),
  hourly: yuan.optional().describe('小时工资（非全日制用工）'),
  payDay: z.number().int().min(1).max(31).optional().describe('每月发放工资的日期（1–31）'),
  paymentIntervalDays: z.number().int().positive().optional().describe('非全日制用工的工资结算周期（天）'),
  structure: text(500).optional().describe('工资构成或计发办法'),
});

/** The fields every employment contract (通用, 派遣) shares. */
export const employmentFields = {
  employer: employerParty,
  worker: workerParty,
  termType,
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  taskDescription: text(500).optional(),
  probation: probation.optional(),
  jobTitle: text(100).optional().describe('工作岗位'),
  jobDescription: text(1000).optional().describe('工作内容'),
  workplace: text(200).optional().describe('工作地点'),
  hours: hours.optional(),
  wage: wage.optional(),
  socialInsurance: z.boolean().default(true).describe('依法参加社会保险'),
  laborProtection: text(1000).optional().describe('劳动保护、劳动条件和职业危害防护'),
  minimumWageTier: z.number().int().min(1).max(4).optional(),
  otherTerms: text(2000).optional().describe('双方约定的其他事项'),
};

/**
 * 用工形式 of a labor contract: one request shape for full-time and part-time work (劳动合同法
 * 第六十八至七十二条 apply to part_time).
 */
export const employmentForm = z.enum(['full_time', 'part_time']).default('full_time').describe('用工形式：全日制 / 非全日制');

/** The fields issue 22 added to every labor-contract template (version 3 of 通用, 2 of 派遣, the 非全日制 template). */
export const lawfulnessFields = {
  workplaceRegionCode: z
    .string()
    .regex(/^\d{6}$/, 'must be a 6-digit 行政区划代码')
    .optional()
    .describe('工作地点所在县级行政区划代码（与用人单位注册地不同时填写；决定适用的最低工资标准）'),
  employmentStartDate: isoDate.optional().describe('用工之日（实际开始工作的日期，早于本合同时填写）'),
  continuousServiceYears: z.number().int().min(0).max(60).optional().describe('此前在本单位连续工作的整年数'),
  priorFixedTermContracts: z.number().int().min(0).max(20).optional().describe('此前与本单位连续订立固定期限劳动合同的次数'),
  workerRequestsFixedTerm: z.boolean().optional().describe('劳动者本人提出订立固定期限劳动合同（应订立无固定期限劳动合同时）'),
  jobCategory: z
    .enum([
      'office',
      'general',
      'underground_mining',
      'toxic_hazardous',
      'heavy_physical_level_4',
      'work_at_height',
      'high_temperature_or_cold',
      'radiation',
      'explosives',
      'pressure_vessel_or_diving',
    ])
    .optional()
    .describe('岗位类别：办公 / 一般 / 矿山井下 / 有毒有害 / 第四级体力劳动强度 / 高处作业 / 高温低温冷水 / 放射性 / 易燃易爆 / 压力容器潜水'),
  serviceAgreement: z
    .object({
      trainingCost: yuan.describe('甲方提供的专项培训费用'),
      startDate: isoDate.describe('服务期起始日期'),
      endDate: isoDate.describe('服务期终止日期'),
      penalty: yuan.optional().describe('违反服务期约定的违约金（不超过培训费用）'),
    })
    .optional()
    .describe('服务期（劳动合同法第二十二条）'),
  nonCompete: z
    .object({
      role: z.enum(['senior_management', 'senior_technical', 'confidentiality_obligated']).describe('人员类别：高级管理人员 / 高级技术人员 / 其他负有保密义务的人员'),
      months: z.number().int().positive().max(120).describe('竞业限制期限（月），不超过二十四个月'),
      monthlyCompensation: yuan.describe('竞业限制期间每月经济补偿'),
      averageMonthlyWage: yuan.describe('劳动合同解除或者终止前十二个月的月平均工资（预计）'),
      penalty: yuan.optional().describe('违反竞业限制约定的违约金'),
    })
    .optional()
    .describe('竞业限制（劳动合同法第二十三、二十四条）'),
};

export const dispatchDetails = z.object({
  agencyName: text(200),
  agencyUscc: text(18),
  licenceNumber: text(100).describe('劳务派遣经营许可证编号'),
  hostEmployerName: text(200).describe('用工单位'),
  hostEmployerUscc: text(18),
  postNature: z.enum(['temporary', 'auxiliary', 'substitute']).describe('临时性 / 辅助性 / 替代性'),
  postCategory: text(100).optional(),
  assignmentStartDate: isoDate,
  assignmentEndDate: isoDate,
  idlePayMonthly: yuan.describe('无工作期间按月支付的报酬'),
});

/** Version 2 of the dispatch details: whether the host set up the agency (劳动合同法 第六十七条). */
export const dispatchDetailsV2 = dispatchDetails.extend({
  agencyFoundedByHost: z.boolean().default(false).describe('劳务派遣单位由用工单位或者其所属单位出资或者合伙设立'),
});

export const internalRetirementDetails = z.object({
  workerBirthDate: isoDate.optional(),
  workerCategory: z.enum(['male', 'female_cadre', 'female_worker']),
  startDate: isoDate,
  monthlyAllowance: yuan.describe('退养期间每月生活费'),
});

/** Fields of documents that amend or end an earlier contract (续订, 变更, 证明书). */
export const priorContract = z.object({
  number: text(40).describe('原劳动合同编号'),
  signedDate: isoDate.optional(),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
});

/** The employer of the templates' examples (the platform replaces it with the registered organisation). */
export const exampleEmployer = {
  name: '山西晋阳示范科技有限公司',
  uscc: '91140105MA0KXH8T39',
  legalRepresentative: '李红梅',
  address: '山西省太原市小店区长治路100号',
  regionCode: '140105',
  phone: '0351-7000100',
};
