/** Sample parties for tests: valid identifiers built with the domain's own check-character rules. */
// TEMP until src/domain/identity.ts lands
function usccWithCheckCharacter(first17: string): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((acc, ch, i) => acc + alphabet.indexOf(ch) * weights[i]!, 0);
  return first17 + alphabet[(31 - (sum % 31)) % 31];
}

/** The n-th valid 统一社会信用代码 of a test employer in 运城 (region 140802). */
export function testUscc(n: number): string {
  return usccWithCheckCharacter(`91140802MA0${String(n).padStart(6, '0')}`);
}

export function employerBody(n: number) {
  return {
    name: `运城测试实业有限公司${n}号`,
    uscc: testUscc(n),
    legalRepresentative: '张三',
    address: '山西省运城市盐湖区测试路1号',
    regionCode: '140802',
  };
}
