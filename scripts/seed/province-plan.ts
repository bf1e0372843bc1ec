/**
 * The synthetic province's plan (issue 24 item 1): which employers exist, how many workers each
 * has, and what each worker's roster line and contract look like — deterministic from the seed
 * and the day it is planned for. Pure: no keys, no database; province-writer.ts turns the plan
 * into rows. Besides the plan it keeps, per employer, what supervision must find on `asOf`
 * (workers owed a written contract, those with one in force, those more than a month without),
 * so a test can hold the seeded data against the supervision report.
 */
import { addDays, addYears } from '../../src/domain/calendar.ts';
import { residentIdCheckCharacter, USCC_ALPHABET, usccCheckCharacter } from '../../src/domain/identity.ts';
import { SHANXI_DIVISIONS } from '../../src/domain/reference/divisions-shanxi.ts';
import { SIZE_CLASSES, type IndustrySection, type OwnershipCode, type SizeClass } from '../../src/domain/reference/organisation-profile.ts';

export interface ProvinceOptions {
  employers: number;
  workers: number;
  seed: number;
  /** The day the data is planned for (contracts expiring, deadlines passed): an ISO date. */
  asOf: string;
}

export interface EmployerPlan {
  index: number;
  kind: 'employer' | 'dispatch_agency';
  name: string;
  uscc: string;
  legalRepresentative: string;
  address: string;
  regionCode: string;
  phone: string;
  ownership: OwnershipCode;
  industry: IndustrySection;
  sizeClass: SizeClass;
  /** Own workers planned (dispatched-in workers included for a host; an agency's dispatched-out staff not). */
  size: number;
  dispatchLicence: string | null;
  /** Lays off a group within the last 30 days (劳动合同法 第四十一条 window). */
  layoffs: boolean;
}

export type Scenario = 'signed' | 'late' | 'expiring' | 'expired' | 'sent' | 'unsigned' | 'separated' | 'laid_off' | 'part_time';

export interface ContractPlan {
  status: 'signed' | 'sent' | 'expired' | 'terminated';
  template: 'general' | 'dispatch';
  termType: 'fixed' | 'open_ended';
  startDate: string;
  endDate?: string;
  /** Beijing calendar day both parties signed. */
  signedOn?: string;
  /** The worker viewed the signed contract (an audit event the delivery rule reads). */
  delivered: boolean;
  terminatedOn?: string;
  monthlyWage: number;
  jobTitle: string;
}

export interface RosterPlan {
  employer: number;
  employmentForm: 'labor_contract' | 'dispatch' | 'part_time';
  hireDate: string;
  separationDate?: string;
  separationKind?: 'layoff' | 'resignation' | 'expiry' | 'other';
  agencyUscc?: string;
  post: string;
}

export interface WorkerPlan {
  index: number;
  name: string;
  idNumber: string;
  phone: string;
  scenario: Scenario;
  /** One line, or two for a dispatched worker: the host's and the agency's. */
  roster: RosterPlan[];
  /** With the employer of the roster line that owes it (the agency for a dispatched worker). */
  contract?: ContractPlan & { employer: number; host?: number };
}

/** What supervision must report for an employer on asOf. */
export interface Expectation {
  /** Active roster lines owed a written contract. */
  required: number;
  /** Of those, with a contract binding on asOf. */
  signed: number;
  /** Owed one, hired more than a month ago, never signed one: each an ART10_NO_WRITTEN_CONTRACT. */
  unsignedOverdue: number;
}

/** mulberry32: small, fast, and the same sequence on every platform. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (r: Random, min: number, max: number) => min + Math.floor(r() * (max - min + 1));
const pick = <T>(r: Random, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
function weighted<T>(r: Random, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((n, [, w]) => n + w, 0);
  let x = r() * total;
  for (const [value, w] of table) if ((x -= w) < 0) return value;
  return table.at(-1)![0];
}

// Current county-level divisions, with the city they belong to; 太原 and the big cities weigh more.
const counties = SHANXI_DIVISIONS.filter((d) => d.level === 'county' && !d.until);
const cityWeight: Record<string, number> = { '1401': 5, '1402': 2, '1404': 2, '1408': 2, '1407': 1.5, '1405': 1.5 };
const countyTable = counties.map((d) => [d.code, (cityWeight[d.code.slice(0, 4)] ?? 1) * (d.code.slice(4, 5) === '0' ? 2 : 1)] as const);
const cityName = new Map(SHANXI_DIVISIONS.filter((d) => d.level === 'city').map((d) => [d.code.slice(0, 4), d.name]));
const countyName = new Map(counties.map((d) => [d.code, d.name]));

const surnames =
  '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文';
const givenChars = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红文玉梅晓东海波宁辉鹏飞宇浩然思雨欣怡子涵晨阳佳琪俊凯婷雪峰斌亮';
const firmWords = [
  '晋阳',
  '汾河',
  '太行',
  '吕梁',
  '五台',
  '恒山',
  '中条',
  '云冈',
  '黄河',
  '晋源',
  '龙城',
  '并州',
  '三晋',
  '晋中',
  '沁水',
  '桑干',
  '雁门',
  '壶口',
  '鹳雀',
  '平遥',
  '绵山',
  '介休',
  '河东',
  '潞安',
  '阳城',
  '晋祠',
  '尧都',
  '霍山',
  '王屋',
  '滹沱',
];
const firmMiddles = ['恒通', '鑫源', '宏达', '顺泰', '华兴', '金桥', '永盛', '瑞丰', '德隆', '安泰', '博远', '广源', '昌盛', '兴业', '嘉禾', '天成', '万通', '新星', '远航', '众合'];
const industryWords: Partial<Record<IndustrySection, string>> = {
  A: '农业',
  B: '煤业',
  C: '制造',
  D: '能源',
  E: '建设',
  F: '商贸',
  G: '物流',
  H: '餐饮',
  I: '信息技术',
  J: '金融服务',
  K: '置业',
  L: '商务服务',
  M: '科技',
  N: '环境工程',
  O: '家政服务',
  P: '教育咨询',
  Q: '医疗',
  R: '文化传媒',
};
const posts: Partial<Record<IndustrySection, readonly string[]>> = {
  B: ['综采工', '掘进工', '通风工', '机电维修工', '安全检查员'],
  C: ['装配工', '操作工', '质检员', '设备维修工', '仓管员'],
  D: ['运行值班员', '检修工', '调度员'],
  E: ['钢筋工', '木工', '施工员', '安全员'],
  F: ['营业员', '收银员', '理货员', '采购员'],
  G: ['驾驶员', '装卸工', '分拣员', '调度员'],
  H: ['厨师', '服务员', '洗碗工'],
};
const officePosts = ['行政专员', '会计', '销售代表', '客服专员', '技术员', '人事专员'];

const industryTableGiant: readonly (readonly [IndustrySection, number])[] = [
  ['B', 5],
  ['C', 2],
  ['D', 2],
  ['G', 1],
  ['E', 1],
];
const industryTable: readonly (readonly [IndustrySection, number])[] = [
  ['F', 22],
  ['H', 12],
  ['C', 12],
  ['E', 9],
  ['O', 8],
  ['I', 6],
  ['L', 6],
  ['G', 6],
  ['A', 4],
  ['B', 3],
  ['K', 3],
  ['M', 3],
  ['Q', 2],
  ['P', 2],
  ['R', 1],
  ['D', 1],
];
const ownershipTable: readonly (readonly [OwnershipCode, number])[] = [
  ['3', 80],
  ['1', 5],
  ['2', 3],
  ['4', 2],
  ['5', 3],
  ['9', 7],
];

export function sizeClassOf(headcount: number): SizeClass {
  return headcount >= SIZE_CLASSES.large.minHeadcount ? 'large' : headcount >= SIZE_CLASSES.medium.minHeadcount ? 'medium' : headcount >= SIZE_CLASSES.small.minHeadcount ? 'small' : 'micro';
}

/** The variable part of a 统一社会信用代码: the seed, then the employer's number in base 31. */
function uscc(seed: number, index: number, regionCode: string): string {
  let body = '';
  for (let n = index, i = 0; i < 8; i++, n = Math.floor(n / 31)) body = USCC_ALPHABET[n % 31] + body;
  const first17 = `91${regionCode}${USCC_ALPHABET[seed % 31]}${body}`;
  return first17 + usccCheckCharacter(first17);
}

const birthDays = 10_950;
const idSpace = birthDays * 1000;
/**
 * A resident ID number unique to the worker's index: (index × a + seed) mod the space of
 * (birth day, sequence) pairs is a bijection (a is prime to the space), so no two workers of a
 * seeding share a number. Born 1968–1997: adults at any hire date planned.
 */
function idNumber(r: Random, seed: number, index: number): string {
  if (index >= idSpace) throw new RangeError(`at most ${idSpace} workers`);
  const k = (index * 7919 + seed * 104_729) % idSpace;
  const birth = addDays('1968-01-01', k % birthDays).replaceAll('-', '');
  const first17 = `${pick(r, counties).code}${birth}${String(Math.floor(k / birthDays)).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

const personName = (r: Random) => pick(r, [...surnames]) + pick(r, [...givenChars]) + (r() < 0.7 ? pick(r, [...givenChars]) : '');

/**
 * Planned sizes: a few giants of 50,000–100,000 workers (scaled down in a small province), the
 * rest Pareto-distributed (α 1.3, most under 20), scaled to the total exactly.
 */
function sizes(r: Random, employers: number, workers: number): { sizes: number[]; giants: number } {
  const large = workers >= 200_000;
  const giants = Math.min(employers, large ? Math.max(1, Math.round((workers * 0.35) / 75_000)) : Math.max(1, Math.round(employers / 100)));
  const out = Array.from({ length: giants }, () => (large ? int(r, 50_000, 100_000) : Math.max(1, Math.round(workers * (0.05 + r() * 0.05)))));
  let giantTotal = out.reduce((a, b) => a + b, 0);
  while (giantTotal > workers * 0.6 && out.length) giantTotal -= out.pop()!;
  const rest = employers - out.length;
  const remaining = workers - giantTotal;
  if (rest > remaining) throw new RangeError('every employer needs at least one worker: fewer employers or more workers');
  const weights = Array.from({ length: rest }, () => Math.min(20_000, 2 / Math.pow(1 - r(), 1 / 1.3)));
  const total = weights.reduce((a, b) => a + b, 0);
  const scaled = weights.map((w) => Math.max(1, Math.floor((w * remaining) / total)));
  // Largest weights absorb the rounding so the total is exact and no employer is left empty.
  let diff = remaining - scaled.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => [w, i] as const)
    .sort((a, b) => b[0] - a[0])
    .map(([, i]) => i);
  for (let k = 0; diff !== 0; k = (k + 1) % order.length) {
    const i = order[k]!;
    if (diff > 0) {
      scaled[i]! += 1;
      diff--;
    } else if (scaled[i]! > 1) {
      scaled[i]! -= 1;
      diff++;
    }
  }
  return { sizes: [...out, ...scaled], giants: out.length };
}

export function planEmployers(options: ProvinceOptions): EmployerPlan[] {
  const r = rng(options.seed * 2654435761);
  const { sizes: planned, giants } = sizes(r, options.employers, options.workers);
  const agencies = Math.max(1, Math.round(options.employers * 0.002));
  return planned.map((size, index) => {
    const giant = index < giants;
    const agency = !giant && index >= planned.length - agencies;
    const regionCode = weighted(r, countyTable);
    const industry: IndustrySection = agency ? 'L' : giant ? weighted(r, industryTableGiant) : weighted(r, industryTable);
    const ownership: OwnershipCode = giant ? (r() < 0.85 ? '1' : '3') : weighted(r, ownershipTable);
    const place = `${pick(r, firmWords)}${pick(r, firmMiddles)}`;
    const suffix = ownership === '1' ? (giant ? '集团有限责任公司' : '有限责任公司') : '有限公司';
    const name = agency ? `山西${place}人力资源服务有限公司` : `${giant ? '山西' : (cityName.get(regionCode.slice(0, 4)) ?? '')}${place}${industryWords[industry] ?? '实业'}${suffix}`;
    return {
      index,
      kind: agency ? 'dispatch_agency' : 'employer',
      name,
      uscc: uscc(options.seed, index, regionCode),
      legalRepresentative: personName(r),
      address: `山西省${cityName.get(regionCode.slice(0, 4)) ?? ''}${countyName.get(regionCode) ?? ''}${pick(r, firmWords)}路${int(r, 1, 300)}号`,
      regionCode,
      phone: `0351-${String(int(r, 1_000_000, 9_999_999))}`,
      ownership,
      industry,
      sizeClass: sizeClassOf(size),
      size,
      dispatchLicence: agency ? `${regionCode}${String(2020 + (index % 6))}${String(index % 10_000).padStart(4, '0')}` : null,
      layoffs: !agency && size >= 40 && r() < 0.02,
    };
  });
}

/**
 * Every worker of the province, employer after employer, with the expectations kept in
 * `expected` (indexed like the employers) as they are planned.
 */
export function* planWorkers(options: ProvinceOptions, employers: readonly EmployerPlan[], expected: Expectation[]): Generator<WorkerPlan> {
  const r = rng(options.seed * 40503 + 17);
  const agencies = employers.filter((e) => e.kind === 'dispatch_agency');
  const { asOf } = options;
  let index = 0;
  for (const employer of employers) expected[employer.index] = { required: 0, signed: 0, unsignedOverdue: 0 };
  for (const employer of employers) {
    // Hosts use dispatch at 5 % usually, some at 20 % (over the 10 % limit); agencies do not.
    const dispatchShare = employer.kind === 'dispatch_agency' || employer.size < 10 ? 0 : r() < 0.1 ? 0.2 : 0.05;
    const postList = posts[employer.industry] ?? officePosts;
    for (let n = 0; n < employer.size; n++) {
      const form = r() < dispatchShare ? 'dispatch' : r() < 0.03 ? 'part_time' : 'labor_contract';
      const agency = form === 'dispatch' ? pick(r, agencies) : undefined;
      const owner = agency ?? employer;
      const plan = planOne(r, asOf, form, employer.layoffs);
      const post = pick(r, postList);
      const worker: WorkerPlan = {
        index,
        name: personName(r),
        idNumber: idNumber(r, options.seed, index),
        phone: `1${pick(r, ['3', '5', '8'])}${String(index).padStart(9, '0')}`,
        scenario: plan.scenario,
        roster: [{ employer: employer.index, employmentForm: form, hireDate: plan.hireDate, post, ...plan.separation, ...(agency ? { agencyUscc: agency.uscc } : {}) }],
        ...(plan.contract ? { contract: { ...plan.contract, employer: owner.index, template: agency ? 'dispatch' : 'general', jobTitle: post, ...(agency ? { host: employer.index } : {}) } } : {}),
      };
      if (agency) worker.roster.push({ employer: agency.index, employmentForm: 'dispatch', hireDate: plan.hireDate, post, agencyUscc: agency.uscc, ...plan.separation });
      if (form !== 'part_time') {
        const e = expected[owner.index]!;
        if (!plan.separation) e.required += 1;
        if (['signed', 'late', 'expiring'].includes(plan.scenario)) e.signed += 1;
        if (plan.scenario === 'unsigned' || plan.scenario === 'sent') e.unsignedOverdue += 1;
      }
      index += 1;
      yield worker;
    }
  }
}

interface One {
  scenario: Scenario;
  hireDate: string;
  separation?: { separationDate: string; separationKind: NonNullable<RosterPlan['separationKind']> };
  contract?: Omit<ContractPlan, 'template' | 'jobTitle'>;
}

/** A worker's story. Unsigned workers were hired ≥ 60 days ago, so their deadline has passed. */
function planOne(r: Random, asOf: string, form: RosterPlan['employmentForm'], layoffs: boolean): One {
  const wage = int(r, 28, 120) * 100;
  const back = Math.floor(3650 * Math.pow(r(), 2.2));
  if (form === 'part_time') return { scenario: 'part_time', hireDate: addDays(asOf, -back) };
  const x = r();
  const fixed3 = (start: string) => addDays(addYears(start, 3), -1);
  const signedOn = (hire: string, maxDays: number) => addDays(hire, int(r, 0, maxDays));
  if (x < 0.05) return { scenario: 'unsigned', hireDate: addDays(asOf, -(60 + back)) };
  if (x < 0.07) {
    const hireDate = addDays(asOf, -(60 + (back % 700)));
    return { scenario: 'sent', hireDate, contract: { status: 'sent', termType: 'fixed', startDate: hireDate, endDate: fixed3(hireDate), delivered: false, monthlyWage: wage } };
  }
  if (x < 0.09) {
    const hireDate = addDays(asOf, -(150 + (back % 900)));
    return {
      scenario: 'late',
      hireDate,
      contract: { status: 'signed', termType: 'fixed', startDate: hireDate, endDate: fixed3(hireDate), signedOn: addDays(hireDate, int(r, 32, 120)), delivered: true, monthlyWage: wage },
    };
  }
  if (x < 0.13) {
    const endDate = addDays(asOf, int(r, 0, 29));
    const hireDate = addDays(addYears(endDate, -3), 1);
    return {
      scenario: 'expiring',
      hireDate,
      contract: { status: 'signed', termType: 'fixed', startDate: hireDate, endDate, signedOn: signedOn(hireDate, 10), delivered: r() < 0.9, monthlyWage: wage },
    };
  }
  if (x < 0.14) {
    const endDate = addDays(asOf, -int(r, 1, 60));
    const hireDate = addDays(addYears(endDate, -3), 1);
    return { scenario: 'expired', hireDate, contract: { status: 'expired', termType: 'fixed', startDate: hireDate, endDate, signedOn: signedOn(hireDate, 10), delivered: true, monthlyWage: wage } };
  }
  const separated = x < 0.2;
  const laidOff = !separated && layoffs && x < 0.35;
  if (separated || laidOff) {
    const hireDate = addDays(asOf, -(400 + back));
    const separationDate = laidOff ? addDays(asOf, -int(r, 1, 25)) : addDays(asOf, -int(r, 1, 365));
    const separationKind = laidOff
      ? 'layoff'
      : weighted(r, [
          ['resignation', 6],
          ['expiry', 2],
          ['other', 1],
        ] as const);
    return {
      scenario: laidOff ? 'laid_off' : 'separated',
      hireDate,
      separation: { separationDate, separationKind },
      // A dispatch contract is fixed-term (二年以上固定期限, 劳动合同法 第五十八条); it ran past the separation.
      contract: {
        status: 'terminated',
        ...(form === 'dispatch' ? { termType: 'fixed' as const, endDate: addYears(separationDate, 1) } : { termType: 'open_ended' as const }),
        startDate: hireDate,
        signedOn: signedOn(hireDate, 20),
        delivered: true,
        terminatedOn: separationDate,
        monthlyWage: wage,
      },
    };
  }
  // A dispatched worker's fixed term is still running: hired within the last 1,000 days.
  const hireDate = addDays(asOf, -(form === 'dispatch' ? back % 1000 : back));
  const openEnded = form !== 'dispatch' && (back > 3 * 365 - 30 || r() < 0.4);
  return {
    scenario: 'signed',
    hireDate,
    contract: {
      status: 'signed',
      termType: openEnded ? 'open_ended' : 'fixed',
      startDate: hireDate,
      ...(openEnded ? {} : { endDate: fixed3(hireDate) }),
      signedOn: signedOn(hireDate, Math.min(20, form === 'dispatch' ? back % 1000 : back)),
      delivered: r() < 0.9,
      monthlyWage: wage,
    },
  };
}
