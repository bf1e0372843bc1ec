import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { text } from '../../../src/templates/fields.ts';

export default defineTemplate({
  id: 'verification-report',
  version: '1',
  title: '电子签名验证报告',
  kind: 'evidence_report',
  source: 'LaborSign 平台验签报告格式：逐项列明 PAdES 电子签名与时间戳的验证结果（ETSI EN 319 102-1 验证要素）',
  fields: z.object({
    fileName: text(200),
    fileSha256: z.string().regex(/^[0-9a-f]{64}$/),
    verifiedAt: text(40),
    trustAnchor: text(300),
    valid: z.boolean(),
    signatures: z.array(
      z.object({
        field: text(100),
        signer: text(200),
        certificate: text(500),
        digest: text(20),
        signature: text(20),
        chain: text(20),
        coverage: text(40),
        changes: text(500),
        timestamp: text(60),
        revocation: text(20),
        level: text(10),
      }),
    ),
  }),
  example: {
    fileName: 'contract.pdf',
    fileSha256: '3b1f0c5b1d0f4d2a9e6c1a7b8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80912',
    verifiedAt: '2027年3月2日 10:15:08（北京时间）',
    trustAnchor: 'C=CN, O=LaborSign, CN=LaborSign Root CA',
    valid: true,
    signatures: [
      {
        field: 'employer-seal',
        signer: '山西晋阳示范科技有限公司',
        certificate: 'CN=山西晋阳示范科技有限公司, O=山西晋阳示范科技有限公司, C=CN',
        digest: '通过',
        signature: '通过',
        chain: '可信',
        coverage: '覆盖签署时的完整文件',
        changes: '无不允许的修改',
        timestamp: '2026年9月1日 09:12:40（有效）',
        revocation: '未吊销',
        level: 'B-T',
      },
    ],
  },
});
