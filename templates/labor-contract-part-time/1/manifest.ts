import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { exampleEmployer } from '../../../src/templates/fields.ts';
import general from '../../labor-contract-general/3/manifest.ts';

/**
 * 非全日制用工劳动合同: the fields of the general contract (one request shape), the employment
 * form fixed to part-time, and a text written for 劳动合同法 第六十八至七十二条.
 */
export default defineTemplate({
  id: 'labor-contract-part-time',
  version: '1',
  title: '非全日制用工劳动合同',
  kind: 'labor_contract',
  source: '依据《中华人民共和国劳动合同法》第六十八条至第七十二条和《关于非全日制用工若干问题的意见》（劳社部发〔2003〕12号）起草，条款结构参照人力资源社会保障部2019年《劳动合同（通用）》示范文本',
  fields: general.fields.extend({
    employmentForm: z.enum(['part_time']).default('part_time').describe('用工形式：非全日制'),
  }),
  example: {
    employer: exampleEmployer,
    worker: {
      name: '刘芳',
      idNumber: '140105199808120048',
      address: '山西省太原市小店区坞城路15号2单元201室',
      phone: '13800000061',
    },
    employmentForm: 'part_time',
    termType: 'open_ended',
    startDate: '2026-09-15',
    jobTitle: '门店收银员',
    jobDescription: '负责门店晚间时段的收银、商品整理和顾客咨询',
    jobCategory: 'general',
    workplace: '山西省太原市小店区长治路100号公司门店',
    hours: { system: 'standard', dailyHours: 4, weeklyHours: 20 },
    wage: { hourly: 25, paymentIntervalDays: 15 },
    socialInsurance: true,
    laborProtection: '甲方提供符合国家标准的工作场所和照明通风条件，夜间工作结束后安排乙方安全离店',
  },
});
