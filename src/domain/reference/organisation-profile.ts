/**
 * An organisation's profile for supervision filters: who controls it (控股情况), its industry
 * (GB/T 4754-2017 门类) and its size (headcount band). Code lists only; the employer declares
 * them, the platform does not derive them.
 */

/**
 * 控股情况 as the statistical reporting forms code it, from 国家统计局《关于统计上划分经济成分的
 * 规定》(国统字〔2005〕79号): who holds control of the enterprise, which is what the directive's
 * SOE (国有企业) focus needs — a 国有控股 limited company is an SOE although its registration
 * type (GB/T 12402 登记注册类型) is 有限责任公司. Code values quoted from memory (verify).
 * '民营' is 私人控股 and '外资' 港澳台商控股 or 外商控股 here; 9 covers 机关、事业单位 and others.
 */
export const OWNERSHIP = {
  '1': '国有控股',
  '2': '集体控股',
  '3': '私人控股',
  '4': '港澳台商控股',
  '5': '外商控股',
  '9': '其他',
} as const;
export type OwnershipCode = keyof typeof OWNERSHIP;
export const ownershipCodes = Object.keys(OWNERSHIP) as [OwnershipCode, ...OwnershipCode[]];

/** GB/T 4754-2017《国民经济行业分类》: the 20 门类 (sections) A–T. */
export const INDUSTRY_SECTIONS = {
  A: '农、林、牧、渔业',
  B: '采矿业',
  C: '制造业',
  D: '电力、热力、燃气及水生产和供应业',
  E: '建筑业',
  F: '批发和零售业',
  G: '交通运输、仓储和邮政业',
  H: '住宿和餐饮业',
  I: '信息传输、软件和信息技术服务业',
  J: '金融业',
  K: '房地产业',
  L: '租赁和商务服务业',
  M: '科学研究和技术服务业',
  N: '水利、环境和公共设施管理业',
  O: '居民服务、修理和其他服务业',
  P: '教育',
  Q: '卫生和社会工作',
  R: '文化、体育和娱乐业',
  S: '公共管理、社会保障和社会组织',
  T: '国际组织',
} as const;
export type IndustrySection = keyof typeof INDUSTRY_SECTIONS;
export const industrySections = Object.keys(INDUSTRY_SECTIONS) as [IndustrySection, ...IndustrySection[]];

/**
 * Size by 从业人员 (persons employed), with the headcount thresholds 《统计上大中小微型企业划分
 * 办法（2017）》(国统字〔2017〕213号) sets for 工业: large ≥ 1000, medium 300–999, small 20–299,
 * micro < 20. The 办法 also weighs revenue and uses other thresholds for other industries; a
 * headcount band is what supervision needs (how many workers are at stake), so only it is kept.
 */
export const SIZE_CLASSES = {
  large: { nameZh: '大型', minHeadcount: 1000 },
  medium: { nameZh: '中型', minHeadcount: 300 },
  small: { nameZh: '小型', minHeadcount: 20 },
  micro: { nameZh: '微型', minHeadcount: 0 },
} as const;
export type SizeClass = keyof typeof SIZE_CLASSES;
export const sizeClasses = Object.keys(SIZE_CLASSES) as [SizeClass, ...SizeClass[]];

export interface OrganisationProfile {
  ownership: OwnershipCode | null;
  industry: IndustrySection | null;
  sizeClass: SizeClass | null;
}

/** The profile with its Chinese names, as officials and consoles show it. */
export function describeProfile(profile: { ownership: string | null; industry: string | null; sizeClass: string | null }) {
  const ownership = profile.ownership as OwnershipCode | null;
  const industry = profile.industry as IndustrySection | null;
  const size = profile.sizeClass as SizeClass | null;
  return {
    ownership: ownership && OWNERSHIP[ownership] ? { code: ownership, nameZh: OWNERSHIP[ownership] } : null,
    industry: industry && INDUSTRY_SECTIONS[industry] ? { code: industry, nameZh: INDUSTRY_SECTIONS[industry] } : null,
    sizeClass: size && SIZE_CLASSES[size] ? { code: size, nameZh: SIZE_CLASSES[size].nameZh } : null,
  };
}
