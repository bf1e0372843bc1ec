import t from 'tap';
import { atomize, breakLines } from '../../src/pdf/line-breaking.ts';

// Every character 1 unit wide, so a line of width N holds N characters.
const lines = (text: string, width: number) =>
  breakLines(
    atomize([...text].map((c) => ({ text: c, width: 1, glyph: c }))),
    () => width,
    () => 1,
  ).map((line) => line.atoms.map((a) => a.text).join(''));

t.test('避头尾: closing punctuation never starts a line', async (t) => {
  t.same(lines('甲乙双方协商一致，订立本合同。', 7), ['甲乙双方协商一', '致，订立本合', '同。'], '。 pulls 同 down with it');
  const broken = lines('双方约定如下：试用期内工资不低于约定工资的百分之八十。', 9);
  for (const line of broken.slice(1)) t.notOk('，。、；：？！）》」』】”'.includes(line[0]!), `"${line}" does not start with closing punctuation`);
});

t.test('避头尾: opening punctuation never ends a line', async (t) => {
  const broken = lines('依照《中华人民共和国劳动合同法》订立', 3);
  for (const line of broken) t.notOk('（《「『【“'.includes(line.at(-1)!), `"${line}" does not end with opening punctuation`);
  t.equal(broken.join(''), '依照《中华人民共和国劳动合同法》订立', 'no character lost');
});

t.test('Latin words and numbers stay whole; spaces vanish at breaks', async (t) => {
  t.same(lines('编号LS2026ABC 第三条', 10), ['编号', 'LS2026ABC', '第三条']);
  t.same(lines('LS2026ABC', 4), ['LS20', '26AB', 'C'], 'a word wider than the line is split');
  t.same(lines('amount 5000.00 yuan', 14), ['amount 5000.00', 'yuan']);
});

t.test('last line is not justified, others are', async (t) => {
  const result = breakLines(
    atomize([...'一二三四五六七'].map((c) => ({ text: c, width: 1, glyph: c }))),
    () => 3,
    () => 1,
  );
  t.same(
    result.map((l) => l.justify),
    [true, true, false],
  );
});
