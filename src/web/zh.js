// The Chinese the worker's and officials' pages show for the API's codes, and times in Beijing
// time. The one place for them: a page imports these rather than keeping its own table.

/** A contract's status, as workers and officials read it. */
export const contractStatusNames = {
  draft: '草稿',
  sealed: '已盖章',
  sent: '待签署',
  signed: '已签署（生效）',
  declined: '已拒签',
  voided: '已作废',
  link_expired: '签署链接已过期',
  renewed: '已续订',
  changed: '已变更',
  terminated: '已解除/终止',
  expired: '已到期',
};

/** Archived document kinds (a file verified on /verify is one of them). */
export const documentKindNames = {
  draft: '草稿',
  sealed: '用人单位盖章版本',
  signed: '双方签署版本',
  termination_certificate: '解除/终止证明书',
  attachment: '附件',
  evidence: '存证报告',
};

/** ETSI EN 319 102-1 main indications. */
export const verdictNames = { 'TOTAL-PASSED': '通过', 'TOTAL-FAILED': '未通过', INDETERMINATE: '无法确定' };

/** PAdES baseline levels. */
export const levelNames = { 'B-B': '基本签名 (B-B)', 'B-T': '带时间戳 (B-T)', 'B-LT': '长期验证 (B-LT)', 'B-LTA': '长期存档 (B-LTA)' };

/** A signature's Chinese name: the API's `fieldLabelZh` (the service names its own fields), else the field's name. */
export const signatureName = (signature) => signature?.fieldLabelZh ?? signature?.fieldName ?? '签名';

/**
 * An instant (ISO text or Date) as Beijing time, `2026-12-06 04:05:28（北京时间）`, whatever the
 * device's time zone (China Standard Time is UTC+8 all year). Empty input gives '—'.
 * @param {string | Date | null | undefined} instant
 */
export function beijingTime(instant) {
  if (!instant) return '—';
  const time = new Date(instant).getTime();
  if (Number.isNaN(time)) return String(instant);
  const iso = new Date(time + 8 * 3_600_000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}（北京时间）`;
}
