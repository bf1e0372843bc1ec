import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { employmentFields, text } from '../../../src/templates/fields.ts';

/** What only a platform agreement states: the rules the platform applies to the worker. */
const platformTerms = z.object({
  platformName: text(100).min(1).describe('平台名称（应用程序名称）'),
  orderAssignment: text(1000).min(1).describe('订单分配规则'),
  pricingRules: text(1000).min(1).describe('计件单价、抽成比例和报酬构成'),
  occupationalInjuryProtection: z.boolean().default(true).describe('已参加新就业形态就业人员职业伤害保障'),
  commercialInsurance: text(500).optional().describe('未实施职业伤害保障时购买的商业保险'),
  complaintChannel: text(300).min(1).describe('申诉渠道'),
  complaintResponseDays: z.number().int().positive().max(30).describe('答复申诉的期限（工作日）'),
});

export default defineTemplate({
  id: 'platform-work-agreement',
  version: '1',
  title: '新就业形态劳动者书面协议（平台用工）',
  kind: 'platform_work',
  source:
    '依据人力资源社会保障部等八部门《关于维护新就业形态劳动者劳动保障权益的指导意见》（人社部发〔2021〕56号）对不完全符合确立劳动关系情形的规定，以及人力资源社会保障部办公厅2023年发布的新就业形态劳动者劳动规则公示、休息和劳动报酬权益保障、权益维护服务指引起草',
  fields: z
    .object(employmentFields)
    // No probation and no task-based term: the worker is not in a full labor relation.
    .omit({ probation: true, taskDescription: true })
    .extend({
      termType: z.enum(['fixed', 'open_ended']).describe('固定期限 / 无固定期限'),
      platform: platformTerms,
    }),
  example: {
    employer: {
      name: '山西速达同城配送科技有限公司',
      uscc: '91140105MA0M6R4B2W',
      legalRepresentative: '韩志勇',
      address: '山西省太原市小店区学府街200号',
      regionCode: '140105',
      phone: '0351-7000300',
    },
    worker: {
      name: '孙浩',
      idNumber: '140107199807211530',
      address: '山西省太原市杏花岭区胜利街15号2单元201室',
      phone: '13800000021',
    },
    termType: 'fixed',
    startDate: '2026-09-01',
    endDate: '2027-08-31',
    jobTitle: '网约配送',
    jobDescription: '通过平台接受订单，将餐饮、商超商品从商户配送至顾客指定地点',
    workplace: '太原市小店区、迎泽区平台划定的配送服务区域',
    hours: { system: 'standard', dailyHours: 8 },
    wage: {
      monthly: 2100,
      paymentIntervalDays: 7,
      structure: '劳动报酬由订单配送费、高峰时段和恶劣天气补贴、夜间补贴构成',
    },
    socialInsurance: true,
    laborProtection: '甲方免费配发符合国家标准的头盔、反光背心和防寒防暑用品，每季度组织一次交通安全培训；气温达到高温标准或者遇暴雨、冰雪天气时延长配送时限或者暂停派单',
    platform: {
      platformName: '速达同城',
      orderAssignment: '按照乙方所在位置与取货点的距离、已接订单数量和预计送达时间综合派单，同一时段同时派送的订单不超过五单；乙方可以拒绝派单，拒单不影响乙方的计价标准',
      pricingRules: '每单基础配送费5.5元，配送距离超过3公里的每公里加0.8元；平台不向乙方收取抽成',
      occupationalInjuryProtection: true,
      complaintChannel: '平台应用程序“骑手之家—申诉”页面、客服电话400-000-0000（每日8时至22时）',
      complaintResponseDays: 5,
    },
  },
});
