import t from 'tap';
import { layOut, type Layout } from '../../src/pdf/layout.ts';
import type { FlowItem } from '../../src/pdf/resolve.ts';

const text = '用人单位应当按照本合同约定和国家规定，向劳动者及时足额支付劳动报酬，不得克扣或者无故拖欠。'.repeat(3);
const paragraph = (overrides: Partial<Extract<FlowItem, { kind: 'text' }>> = {}): FlowItem => ({
  kind: 'text',
  role: 'body',
  align: 'indent',
  option: false,
  spans: [{ text, face: 'song' }],
  ...overrides,
});
const lines = (layout: Layout) => layout.pages.flatMap((p) => p.lines.map((l) => ({ y: l.y, spacing: l.spacing, glyphs: l.glyphs.map((g) => [g.character, g.x, g.face, g.underline, g.size]) })));

t.test('a paragraph set again (from the cache) is placed exactly as the first time, at its own baselines', async (t) => {
  const first = lines(layOut([paragraph()]));
  const again = lines(
    layOut([
      paragraph({
        kind: 'text',
        spans: [
          { text: text.slice(0, 10), face: 'song' },
          { text: text.slice(10), face: 'song' },
        ],
      }),
    ]),
  );
  t.ok(first.length > 2, `${first.length} lines`);
  t.same(again, first, 'the same words in other spans set the same lines');
  const lower = lines(layOut([paragraph({ role: 'heading', align: 'left', spans: [{ text: '标题', face: 'hei' }] }), paragraph()])).slice(1);
  t.same(
    lower.map((l) => l.glyphs),
    first.map((l) => l.glyphs),
    'after a heading: the same glyph positions…',
  );
  t.ok(lower[0]!.y < first[0]!.y, '…on lower baselines');
});

t.test('paragraphs that differ only in how they are set do not share a cache entry', async (t) => {
  const plain = lines(layOut([paragraph()]));
  const field = lines(layOut([paragraph({ spans: [{ text, face: 'song', field: 'duty' }] })]));
  t.same(
    field.map((l) => l.glyphs.map((g) => g[0])),
    plain.map((l) => l.glyphs.map((g) => g[0])),
    'same text',
  );
  t.ok(
    field.every((l) => l.glyphs.every((g) => g[3] === true)),
    'a field value is underlined',
  );
  t.ok(
    plain.every((l) => l.glyphs.every((g) => g[3] === false)),
    'fixed text is not',
  );
  const centred = lines(layOut([paragraph({ align: 'center' })]));
  t.not(centred[0]!.glyphs[0]![1], plain[0]!.glyphs[0]![1], 'centred text starts elsewhere than indented text');
  const hei = lines(layOut([paragraph({ spans: [{ text, face: 'hei' }] })]));
  t.ok(
    hei.every((l) => l.glyphs.every((g) => g[2] === 'hei')),
    'another face',
  );
  const title = lines(layOut([paragraph({ role: 'title' })]));
  t.ok((title[0]!.glyphs[0]![4] as number) > (plain[0]!.glyphs[0]![4] as number), 'another size');
});
