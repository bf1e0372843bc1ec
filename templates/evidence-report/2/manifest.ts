import { defineTemplate } from '../../../src/templates/define.ts';
import { text } from '../../../src/templates/fields.ts';
import first from '../1/manifest.ts';

const { requester } = first.fields.shape;

/** Version 1 naming the requesting office's region (山西省运城市) beside its code. */
export default defineTemplate({
  ...first,
  version: '2',
  fields: first.fields.extend({ requester: requester.extend({ regionName: text(100).optional() }) }),
  example: { ...first.example, requester: { ...first.example.requester, regionName: '山西省运城市' } },
});
