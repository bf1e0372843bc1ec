/**
 * GB/T 2260 行政区划代码 of Shanxi (14): the province, its 11 prefecture-level cities and their
 * 117 county-level divisions, as in force from 2019-09 (太谷撤县设区). Written from the
 * Ministry of Civil Affairs' published code list as known to the authors, NOT copied from an
 * official file: entries marked `verify` come from the 2018–2019 reorganisations (大同, 长治,
 * 怀仁, 太谷) whose codes and dates should be checked against 民政部《中华人民共和国行政区划代码》
 * before they are relied on. Retired codes are kept (with the date they ended and their
 * successor) because they still name where a contract or an ID number was registered.
 */
import type { Division } from './divisions.ts';

const city = (code: string, name: string): Division => ({ code, name, level: 'city' });
const county = (code: string, name: string, extra: Partial<Division> = {}): Division => ({ code, name, level: 'county', ...extra });
const reorganised = { verify: true } as const;

export const SHANXI_DIVISIONS: readonly Division[] = [
  { code: '140000', name: '山西省', level: 'province' },
  city('140100', '太原市'),
  county('140105', '小店区'), county('140106', '迎泽区'), county('140107', '杏花岭区'), county('140108', '尖草坪区'),
  county('140109', '万柏林区'), county('140110', '晋源区'), county('140121', '清徐县'), county('140122', '阳曲县'),
  county('140123', '娄烦县'), county('140181', '古交市'),
  city('140200', '大同市'),
  county('140212', '新荣区'), county('140213', '平城区', reorganised), county('140214', '云冈区', reorganised), county('140215', '云州区', reorganised),
  county('140221', '阳高县'), county('140222', '天镇县'), county('140223', '广灵县'), county('140224', '灵丘县'),
  county('140225', '浑源县'), county('140226', '左云县'),
  county('140202', '城区', { until: '2018-02-08', successor: '140213', verify: true }),
  county('140203', '矿区', { until: '2018-02-08', successor: '140214', verify: true }),
  county('140211', '南郊区', { until: '2018-02-08', successor: '140214', verify: true }),
  county('140227', '大同县', { until: '2018-02-08', successor: '140215', verify: true }),
  city('140300', '阳泉市'),
  county('140302', '城区'), county('140303', '矿区'), county('140311', '郊区'), county('140321', '平定县'), county('140322', '盂县'),
  city('140400', '长治市'),
  county('140403', '潞州区', reorganised), county('140404', '上党区', reorganised), county('140405', '屯留区', reorganised), county('140406', '潞城区', reorganised),
  county('140423', '襄垣县'), county('140425', '平顺县'), county('140426', '黎城县'), county('140427', '壶关县'),
  county('140428', '长子县'), county('140429', '武乡县'), county('140430', '沁县'), county('140431', '沁源县'),
  county('140402', '城区', { until: '2018-06-24', successor: '140403', verify: true }),
  county('140411', '郊区', { until: '2018-06-24', successor: '140403', verify: true }),
  county('140421', '长治县', { until: '2018-06-24', successor: '140404', verify: true }),
  county('140424', '屯留县', { until: '2018-06-24', successor: '140405', verify: true }),
  county('140481', '潞城市', { until: '2018-06-24', successor: '140406', verify: true }),
  city('140500', '晋城市'),
  county('140502', '城区'), county('140521', '沁水县'), county('140522', '阳城县'), county('140524', '陵川县'),
  county('140525', '泽州县'), county('140581', '高平市'),
  city('140600', '朔州市'),
  county('140602', '朔城区'), county('140603', '平鲁区'), county('140621', '山阴县'), county('140622', '应县'),
  county('140623', '右玉县'), county('140681', '怀仁市', reorganised),
  county('140624', '怀仁县', { until: '2018-01-01', successor: '140681', verify: true }),
  city('140700', '晋中市'),
  county('140702', '榆次区'), county('140703', '太谷区', reorganised), county('140721', '榆社县'), county('140722', '左权县'),
  county('140723', '和顺县'), county('140724', '昔阳县'), county('140725', '寿阳县'), county('140727', '祁县'),
  county('140728', '平遥县'), county('140729', '灵石县'), county('140781', '介休市'),
  county('140726', '太谷县', { until: '2019-09-01', successor: '140703', verify: true }),
  city('140800', '运城市'),
  county('140802', '盐湖区'), county('140821', '临猗县'), county('140822', '万荣县'), county('140823', '闻喜县'),
  county('140824', '稷山县'), county('140825', '新绛县'), county('140826', '绛县'), county('140827', '垣曲县'),
  county('140828', '夏县'), county('140829', '平陆县'), county('140830', '芮城县'), county('140881', '永济市'),
  county('140882', '河津市'),
  city('140900', '忻州市'),
  county('140902', '忻府区'), county('140921', '定襄县'), county('140922', '五台县'), county('140923', '代县'),
  county('140924', '繁峙县'), county('140925', '宁武县'), county('140926', '静乐县'), county('140927', '神池县'),
  county('140928', '五寨县'), county('140929', '岢岚县'), county('140930', '河曲县'), county('140931', '保德县'),
  county('140932', '偏关县'), county('140981', '原平市'),
  city('141000', '临汾市'),
  county('141002', '尧都区'), county('141021', '曲沃县'), county('141022', '翼城县'), county('141023', '襄汾县'),
  county('141024', '洪洞县'), county('141025', '古县'), county('141026', '安泽县'), county('141027', '浮山县'),
  county('141028', '吉县'), county('141029', '乡宁县'), county('141030', '大宁县'), county('141031', '隰县'),
  county('141032', '永和县'), county('141033', '蒲县'), county('141034', '汾西县'), county('141081', '侯马市'),
  county('141082', '霍州市'),
  city('141100', '吕梁市'),
  county('141102', '离石区'), county('141121', '文水县'), county('141122', '交城县'), county('141123', '兴县'),
  county('141124', '临县'), county('141125', '柳林县'), county('141126', '石楼县'), county('141127', '岚县'),
  county('141128', '方山县'), county('141129', '中阳县'), county('141130', '交口县'), county('141181', '孝义市'),
  county('141182', '汾阳市'),
];
