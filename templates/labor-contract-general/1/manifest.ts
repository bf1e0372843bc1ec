import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { employmentFields, hours, exampleEmployer } from '../../../src/templates/fields.ts';

export default defineTemplate({
  id: 'labor-contract-general',
  version: '1',
  title: '劳动合同（通用）',
  kind: 'labor_contract',
  source:
    '按人力资源社会保障部2019年发布的《劳动合同（通用）》示范文本的十章二十五条结构起草，条文依据《中华人民共和国劳动合同法》及其实施条例重新撰写，并按《电子劳动合同订立指引》（人社厅发〔2021〕54号）补充电子形式订立条款',
  fields: z.object({
    ...employmentFields,
    hours: hours.extend({ cycle: z.enum(['week', 'month', 'quarter', 'year']).optional().describe('综合计算工时的计算周期') }).optional(),
    wageMethod: z.enum(['monthly', 'base_plus_performance', 'piece_rate', 'other']).default('monthly').describe('工资分配方式：月工资 / 基本工资加绩效工资 / 计件工资 / 其他'),
  }),
  example: {
    employer: exampleEmployer,
    worker: {
      name: '王晓东',
      idNumber: '140105199203152418',
      address: '山西省太原市小店区平阳路8号3单元502室',
      phone: '13800000001',
      emergencyContact: '王丽（配偶）13800000002',
    },
    termType: 'fixed',
    startDate: '2026-09-15',
    endDate: '2029-09-14',
    probation: { startDate: '2026-09-15', endDate: '2026-12-14', monthlyWage: 5000 },
    jobTitle: '软件测试工程师',
    jobDescription: '负责公司软件产品的测试方案编写、测试执行和缺陷跟踪，参与产品质量评审',
    workplace: '山西省太原市小店区长治路100号公司办公场所',
    hours: { system: 'standard', dailyHours: 8, weeklyHours: 40 },
    wage: { monthly: 6000, payDay: 10, structure: '月工资由基本工资4500元和岗位津贴1500元构成' },
    wageMethod: 'monthly',
    socialInsurance: true,
    laborProtection: '甲方提供符合国家标准的办公场所、计算机设备和照明通风条件；乙方岗位不接触职业病危害因素，甲方每年组织一次健康体检',
    otherTerms: '甲方为乙方缴存住房公积金，缴存比例按照太原市规定执行',
  },
});
