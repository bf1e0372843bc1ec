import { defineTemplate } from '../../../src/templates/define.ts';
import { employmentForm, lawfulnessFields } from '../../../src/templates/fields.ts';
import second from '../2/manifest.ts';

/**
 * Version 2 with the employment form (全日制 / 非全日制: one request shape for both), the
 * workplace county, 用工之日 and service history, 服务期 and 竞业限制 as clauses, and the hours
 * printed as agreed. The tier of the minimum wage is the workplace county's: no declared tier.
 */
export default defineTemplate({
  ...second,
  version: '3',
  fields: second.fields.omit({ minimumWageTier: true }).extend({ employmentForm, ...lawfulnessFields }),
  example: { ...second.example, employmentForm: 'full_time', jobCategory: 'office' },
});
