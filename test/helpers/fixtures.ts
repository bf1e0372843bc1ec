/** Sample parties for tests: valid identifiers built with the domain's own check-character rules. */
import { usccCheckCharacter } from '../../src/domain/identity.ts';
/** The n-th valid 统一社会信用代码 of a test employer in 运城 (region 140802). */
export function testUscc(n: number): string {
  const first17 = `91140802MA0${String(n).padStart(6, '0')}`;
  return first17 + usccCheckCharacter(first17);
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
