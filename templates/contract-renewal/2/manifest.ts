import { defineTemplate } from '../../../src/templates/define.ts';
import { lawfulnessFields } from '../../../src/templates/fields.ts';
import first from '../1/manifest.ts';

/**
 * Version 1 with the service history that decides whether an open-ended contract is owed
 * (劳动合同法 第十四条) and the worker's own request for a fixed term, printed for the worker
 * to confirm by signing.
 */
export default defineTemplate({
  ...first,
  version: '2',
  fields: first.fields.extend({
    continuousServiceYears: lawfulnessFields.continuousServiceYears,
    priorFixedTermContracts: lawfulnessFields.priorFixedTermContracts.describe('包括原劳动合同在内，此前与本单位连续订立固定期限劳动合同的次数'),
    workerRequestsFixedTerm: lawfulnessFields.workerRequestsFixedTerm,
    workplaceRegionCode: lawfulnessFields.workplaceRegionCode,
  }),
  example: { ...first.example, continuousServiceYears: 3, priorFixedTermContracts: 1 },
});
