import { defineTemplate } from '../../../src/templates/define.ts';
import { line } from '../../../src/templates/fields.ts';
import first from '../1/manifest.ts';

const { employer, worker } = first.fields.shape;

/** Version 1 with the model's header: both places of each party (version 1 had one address). */
export default defineTemplate({
  ...first,
  version: '2',
  fields: first.fields.extend({
    employer: employer.extend({ operatingAddress: line(200).optional().describe('经营地（与注册地不同时填写）') }),
    worker: worker.extend({
      address: line(200).describe('户籍地址'),
      residence: line(200).optional().describe('经常居住地（与户籍地址不同时填写）'),
    }),
  }),
  example: { ...first.example, worker: { ...first.example.worker, residence: '山西省太原市小店区亲贤北街66号' } },
});
