/**
 * GB/T 2260 行政区划代码: names for codes and prefixes, and whether a six-digit code names a
 * real division. Coverage (see docs/RULES.md): every province; every county-level division of
 * Shanxi (divisions-shanxi.ts); the prefecture-level cities of the provinces listed in
 * PROVINCE_CITIES. Where only the province (or city) is known, a code inside it is accepted as
 * "checked to the province (city)" rather than refused: the table is incomplete, not the code.
 *
 * Source: 民政部《中华人民共和国行政区划代码》(GB/T 2260 as maintained by the Ministry of Civil
 * Affairs), as known to the authors at the table date below; written from knowledge, not copied
 * from an official file. Entries marked `verify` should be checked against the official list.
 */
import { SHANXI_DIVISIONS } from './divisions-shanxi.ts';

export const DIVISIONS_TABLE_DATE = '2023-12-31';
export const DIVISIONS_SOURCE = '民政部《中华人民共和国行政区划代码》（GB/T 2260，民政部网站公布的县以上行政区划代码），凭作者所知整理，未逐条核对官方文件';

export interface Division {
  /** Six digits, trailing zeros for a province (140000) or city (140800). */
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  /** Last day the code was in force, for a retired code. */
  until?: string;
  /** The code that replaced a retired one. */
  successor?: string;
  /** Not confirmed against the official list. */
  verify?: boolean;
}

const PROVINCES: Record<string, string> = {
  '11': '北京市',
  '12': '天津市',
  '13': '河北省',
  '14': '山西省',
  '15': '内蒙古自治区',
  '21': '辽宁省',
  '22': '吉林省',
  '23': '黑龙江省',
  '31': '上海市',
  '32': '江苏省',
  '33': '浙江省',
  '34': '安徽省',
  '35': '福建省',
  '36': '江西省',
  '37': '山东省',
  '41': '河南省',
  '42': '湖北省',
  '43': '湖南省',
  '44': '广东省',
  '45': '广西壮族自治区',
  '46': '海南省',
  '50': '重庆市',
  '51': '四川省',
  '52': '贵州省',
  '53': '云南省',
  '54': '西藏自治区',
  '61': '陕西省',
  '62': '甘肃省',
  '63': '青海省',
  '64': '宁夏回族自治区',
  '65': '新疆维吾尔自治区',
  '71': '台湾省',
  '81': '香港特别行政区',
  '82': '澳门特别行政区',
};

/** Prefecture-level divisions (4-digit prefix → name) of the provinces covered at city level. */
const PROVINCE_CITIES: Record<string, Record<string, string>> = {
  '11': { '1101': '市辖区' },
  '12': { '1201': '市辖区' },
  '31': { '3101': '市辖区' },
  '50': { '5001': '市辖区', '5002': '县' },
  '13': {
    '1301': '石家庄市',
    '1302': '唐山市',
    '1303': '秦皇岛市',
    '1304': '邯郸市',
    '1305': '邢台市',
    '1306': '保定市',
    '1307': '张家口市',
    '1308': '承德市',
    '1309': '沧州市',
    '1310': '廊坊市',
    '1311': '衡水市',
  },
  '15': {
    '1501': '呼和浩特市',
    '1502': '包头市',
    '1503': '乌海市',
    '1504': '赤峰市',
    '1505': '通辽市',
    '1506': '鄂尔多斯市',
    '1507': '呼伦贝尔市',
    '1508': '巴彦淖尔市',
    '1509': '乌兰察布市',
    '1522': '兴安盟',
    '1525': '锡林郭勒盟',
    '1529': '阿拉善盟',
  },
  '32': {
    '3201': '南京市',
    '3202': '无锡市',
    '3203': '徐州市',
    '3204': '常州市',
    '3205': '苏州市',
    '3206': '南通市',
    '3207': '连云港市',
    '3208': '淮安市',
    '3209': '盐城市',
    '3210': '扬州市',
    '3211': '镇江市',
    '3212': '泰州市',
    '3213': '宿迁市',
  },
  '33': {
    '3301': '杭州市',
    '3302': '宁波市',
    '3303': '温州市',
    '3304': '嘉兴市',
    '3305': '湖州市',
    '3306': '绍兴市',
    '3307': '金华市',
    '3308': '衢州市',
    '3309': '舟山市',
    '3310': '台州市',
    '3311': '丽水市',
  },
  '37': {
    '3701': '济南市',
    '3702': '青岛市',
    '3703': '淄博市',
    '3704': '枣庄市',
    '3705': '东营市',
    '3706': '烟台市',
    '3707': '潍坊市',
    '3708': '济宁市',
    '3709': '泰安市',
    '3710': '威海市',
    '3711': '日照市',
    '3713': '临沂市',
    '3714': '德州市',
    '3715': '聊城市',
    '3716': '滨州市',
    '3717': '菏泽市',
  },
  '41': {
    '4101': '郑州市',
    '4102': '开封市',
    '4103': '洛阳市',
    '4104': '平顶山市',
    '4105': '安阳市',
    '4106': '鹤壁市',
    '4107': '新乡市',
    '4108': '焦作市',
    '4109': '濮阳市',
    '4110': '许昌市',
    '4111': '漯河市',
    '4112': '三门峡市',
    '4113': '南阳市',
    '4114': '商丘市',
    '4115': '信阳市',
    '4116': '周口市',
    '4117': '驻马店市',
    '4190': '省直辖县级行政区划',
  },
  '44': {
    '4401': '广州市',
    '4402': '韶关市',
    '4403': '深圳市',
    '4404': '珠海市',
    '4405': '汕头市',
    '4406': '佛山市',
    '4407': '江门市',
    '4408': '湛江市',
    '4409': '茂名市',
    '4412': '肇庆市',
    '4413': '惠州市',
    '4414': '梅州市',
    '4415': '汕尾市',
    '4416': '河源市',
    '4417': '阳江市',
    '4418': '清远市',
    '4419': '东莞市',
    '4420': '中山市',
    '4451': '潮州市',
    '4452': '揭阳市',
    '4453': '云浮市',
  },
  '61': { '6101': '西安市', '6102': '铜川市', '6103': '宝鸡市', '6104': '咸阳市', '6105': '渭南市', '6106': '延安市', '6107': '汉中市', '6108': '榆林市', '6109': '安康市', '6110': '商洛市' },
};

/** Provinces whose every county-level code is in the table. */
const COUNTY_COMPLETE = new Set(['14']);

const byCode = new Map<string, Division>(SHANXI_DIVISIONS.map((d) => [d.code, d]));
for (const [province, name] of Object.entries(PROVINCES)) if (!byCode.has(`${province}0000`)) byCode.set(`${province}0000`, { code: `${province}0000`, name, level: 'province' });
for (const cities of Object.values(PROVINCE_CITIES))
  for (const [prefix, name] of Object.entries(cities)) if (!byCode.has(`${prefix}00`)) byCode.set(`${prefix}00`, { code: `${prefix}00`, name, level: 'city' });

/** Every division of the table, for docs and tests. */
export function allDivisions(): Division[] {
  return [...byCode.values()];
}

export function division(code: string): Division | undefined {
  return byCode.get(code);
}

/** 市辖区 / 县 of a municipality name no place: they are left out of printed names. */
const GROUPING = new Set(['市辖区', '县', '省直辖县级行政区划']);

/**
 * The printable name of a code or prefix (2, 4 or 6 digits): '山西省运城市盐湖区', '山西省运城市',
 * '北京市'. Undefined when not even the province is known.
 */
export function regionName(code: string): string | undefined {
  if (!/^\d{2}(\d{2}(\d{2})?)?$/.test(code)) return undefined;
  const province = byCode.get(`${code.slice(0, 2)}0000`);
  if (!province) return undefined;
  const parts = [province.name];
  if (code.length >= 4 && code.slice(2, 4) !== '00') {
    const city = byCode.get(`${code.slice(0, 4)}00`);
    if (city && !GROUPING.has(city.name)) parts.push(city.name);
  }
  if (code.length === 6 && code.slice(4) !== '00') {
    const county = byCode.get(code);
    if (county) parts.push(county.name);
  }
  return parts.join('');
}

/** '山西省运城市（1408）': a name with the code, or the bare code when the table does not know it. */
export function regionLabel(code: string): string {
  const name = regionName(code);
  return name ? `${name}（${code}）` : code;
}

export type RegionCheck = { ok: true; division?: Division; checkedTo: 'county' | 'city' | 'province' } | { ok: false; reason: string; reasonZh: string };

/**
 * Whether a six-digit code names a division in force on `date` (ISO; default: now in force).
 * Shanxi is checked to the county; provinces with a city list to the city; others to the
 * province. A retired code is refused naming its successor.
 */
export function checkRegionCode(code: string, date?: string): RegionCheck {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'must be 6 digits', reasonZh: '应为 6 位数字' };
  const province = code.slice(0, 2);
  if (!PROVINCES[province]) return { ok: false, reason: `${province} is no province code`, reasonZh: `前 2 位 ${province} 不是省级行政区划代码` };
  const exact = byCode.get(code);
  if (exact?.until && (date === undefined || date > exact.until)) {
    const successor = exact.successor ? regionLabel(exact.successor) : undefined;
    return {
      ok: false,
      reason: `${code} (${exact.name}) was retired on ${exact.until}${exact.successor ? `; now ${exact.successor}` : ''}`,
      reasonZh: `${code}（${exact.name}）已于 ${exact.until} 撤销${successor ? `，现为 ${successor}` : ''}`,
    };
  }
  if (exact) return { ok: true, division: exact, checkedTo: exact.level === 'province' ? 'province' : exact.level === 'city' ? 'city' : 'county' };
  if (COUNTY_COMPLETE.has(province)) return { ok: false, reason: `${code} is no county-level division of ${PROVINCES[province]}`, reasonZh: `${code} 不是${PROVINCES[province]}的县级行政区划代码` };
  const cities = PROVINCE_CITIES[province];
  if (!cities) return { ok: true, checkedTo: 'province' };
  if (!cities[code.slice(0, 4)]) return { ok: false, reason: `${code.slice(0, 4)} is no city of ${PROVINCES[province]}`, reasonZh: `${code.slice(0, 4)} 不是${PROVINCES[province]}的地级行政区划代码` };
  return { ok: true, checkedTo: 'city' };
}
