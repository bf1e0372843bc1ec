import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { dispatchDetailsV2, lawfulnessFields } from '../../../src/templates/fields.ts';
import first from '../1/manifest.ts';

/**
 * Version 1 with the request shape of every labor contract (用工形式, workplace county, 用工之日,
 * service history, 服务期 and 竞业限制), Art. 67 (an agency the host set up) and the hours
 * printed as agreed. Dispatched workers are employed full-time only.
 */
export default defineTemplate({
  ...first,
  version: '2',
  fields: first.fields.omit({ minimumWageTier: true }).extend({
    employmentForm: z.enum(['full_time']).default('full_time').describe('用工形式：全日制（劳务派遣单位不得以非全日制用工形式招用被派遣劳动者）'),
    ...lawfulnessFields,
    dispatch: dispatchDetailsV2,
  }),
  example: { ...first.example, employmentForm: 'full_time', jobCategory: 'general', dispatch: { ...first.example.dispatch, agencyFoundedByHost: false } },
});
