import t from 'tap';
import { compactWidths } from '../../src/pdf/font-subset.ts';

t.test('/W widths: runs of equal advance compacted, others listed (ISO 32000 9.7.4.3)', async (t) => {
  t.same(compactWidths([0, 1000, 1000, 1000, 500, 600, 1000, 1000]), [0, [0], 1, 3, 1000, 4, [500, 600], 6, 7, 1000]);
  t.same(compactWidths([1000, 1000]), [0, 1, 1000]);
  t.same(compactWidths([]), []);
});
