import t from 'tap';
import {
  isValidRegionCode,
  isValidResidentId,
  isValidUscc,
  normalizeRegionPrefix,
  parseResidentId,
  parseUscc,
  regionMatchesPrefix,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from '../../src/domain/identity.ts';
import { KNOWN_VALID_IDS, KNOWN_VALID_USCCS, residentId, withIdCheck, withUsccCheck } from './samples.ts';

t.test('the test-side builders reproduce known-valid numbers', async (t) => {
  for (const id of KNOWN_VALID_IDS) t.equal(withIdCheck(id.slice(0, 17)), id, id);
  for (const code of KNOWN_VALID_USCCS) t.equal(withUsccCheck(code.slice(0, 17)), code, code);
});

t.test('GB 11643: known-valid 居民身份证号码 parse to birth date and sex', async (t) => {
  t.same(parseResidentId('11010519491231002X'), { ok: true, normalized: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', sex: 'female' });
  t.same(parseResidentId('110101199003074477'), { ok: true, normalized: '110101199003074477', regionCode: '110101', birthDate: '1990-03-07', sex: 'male' });
  t.same(
    parseResidentId('11010519491231002x'),
    { ok: true, normalized: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', sex: 'female' },
    'lower-case x is accepted and normalised',
  );
  for (const id of KNOWN_VALID_IDS) {
    t.equal(residentIdCheckCharacter(id.slice(0, 17)), id[17], `check character of ${id}`);
    t.ok(isValidResidentId(id));
  }
});

t.test('GB 11643: every wrong check character is refused', async (t) => {
  const body = '11010519491231002';
  for (const check of '0123456789X') {
    t.equal(isValidResidentId(body + check), check === 'X', `${body}${check}`);
  }
  t.match(parseResidentId('110105194912310021'), { ok: false, reason: /check character should be X/, reasonZh: /校验码有误，按前 17 位应为 X/ });
});

t.test('GB 11643: malformed numbers are refused with a reason', async (t) => {
  const cases: [string, RegExp][] = [
    ['11010519491231002', /17 digits/],
    ['1101051949123100211', /17 digits/],
    ['1101051949123100X2', /17 digits/],
    [withIdCheck('99010519491231002'), /region code 990105/],
    [withIdCheck('11010519490231002'), /birth date 19490231/],
    [withIdCheck('11010519491331002'), /birth date 19491331/],
    [withIdCheck('11010518001231002'), /birth date 18001231/],
  ];
  for (const [id, reason] of cases) t.match(parseResidentId(id), { ok: false, reason }, id);
  const unborn = residentId('140802', '2030-01-01', 'male');
  t.equal(parseResidentId(unborn).ok, true, 'without today a future birth date is only a date');
  t.match(parseResidentId(unborn, { today: '2026-11-22' }), { ok: false, reason: /in the future/ });
  t.throws(() => residentIdCheckCharacter('1234'), RangeError);
});

t.test('GB 11643: sex comes from the parity of the 17th digit', async (t) => {
  t.match(parseResidentId(residentId('140802', '1970-05-20', 'male')), { ok: true, sex: 'male', birthDate: '1970-05-20', regionCode: '140802' });
  t.match(parseResidentId(residentId('140802', '1970-05-20', 'female')), { ok: true, sex: 'female' });
});

t.test('GB 32100: known-valid 统一社会信用代码 pass and parse', async (t) => {
  t.same(parseUscc('91350100M000100Y43'), { ok: true, normalized: '91350100M000100Y43', registrationAuthority: '9', entityCategory: '1', regionCode: '350100' });
  for (const code of KNOWN_VALID_USCCS) {
    t.equal(usccCheckCharacter(code.slice(0, 17)), code[17], `check character of ${code}`);
    t.ok(isValidUscc(code), code);
  }
});

t.test('GB 32100: every wrong check character and forbidden letter is refused', async (t) => {
  const body = '91350100M000100Y4';
  for (const check of '0123456789ABCDEFGHJKLMNPQRTUWXY') t.equal(isValidUscc(body + check), check === '3', `${body}${check}`);
  for (const letter of 'IOSVZ') {
    t.match(parseUscc(`91350100M000100${letter}43`), { ok: false, reason: /A-H J-N P-R T-U W-Y/ }, `letter ${letter}`);
  }
  t.match(parseUscc('91350100M000100Y4'), { ok: false }, '17 characters');
  t.match(parseUscc(withUsccCheck('91990100M000100Y4')), { ok: false, reason: /no region code/ });
  t.throws(() => usccCheckCharacter('91350100M000100I4'), RangeError);
});

t.test('GB/T 2260: region codes and official scopes', async (t) => {
  t.ok(isValidRegionCode('140802'));
  t.ok(isValidRegionCode('130100'));
  for (const bad of ['14080', '1408021', '1408a2', '990802', '000000', '']) t.notOk(isValidRegionCode(bad), bad);
  t.equal(normalizeRegionPrefix('140800'), '1408');
  t.equal(normalizeRegionPrefix('140000'), '14');
  t.equal(normalizeRegionPrefix('1408'), '1408');
  t.equal(normalizeRegionPrefix('140802'), '140802');
  t.equal(normalizeRegionPrefix('140'), undefined);
  t.equal(normalizeRegionPrefix('99'), undefined);
  const cases: [string, string, boolean][] = [
    ['140802', '1408', true], // 盐湖区 in 运城
    ['140802', '14', true], // in 山西
    ['140802', '140800', true], // 运城 written as a full code
    ['140802', '140000', true],
    ['140802', '140802', true],
    ['140802', '140823', false], // another county of 运城
    ['140105', '1408', false], // 太原 is not 运城
    ['130100', '14', false],
    ['140802', '', false],
    ['140802', '1', false],
    ['14080', '1408', false],
  ];
  for (const [code, prefix, expected] of cases) t.equal(regionMatchesPrefix(code, prefix), expected, `${code} in ${prefix || '(empty)'}`);
});
