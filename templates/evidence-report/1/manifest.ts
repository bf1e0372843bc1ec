import { z } from 'zod';
import { defineTemplate } from '../../../src/templates/define.ts';
import { text } from '../../../src/templates/fields.ts';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');

export default defineTemplate({
  id: 'evidence-report',
  version: '1',
  title: '电子劳动合同出证报告',
  kind: 'evidence_report',
  source: 'LaborSign 平台出证格式：依据《电子签名法》第十三条、第十四条及《电子劳动合同订立指引》第十八条、第二十一条列明合同、签名验证、证据链与文件摘要',
  fields: z.object({
    caseNumber: text(60).min(1),
    requester: z.object({ office: text(100), regionCode: text(6), purpose: text(200) }),
    platform: z.object({ name: text(100), uscc: text(18) }),
    generatedAt: text(40),
    contract: z.object({
      number: text(40),
      title: text(100),
      status: text(40),
      employerName: text(200),
      employerUscc: text(18),
      workerName: text(50),
      workerIdMasked: text(18),
      effectiveAt: text(40),
      documentSha256: sha256,
      documentSize: z.number().int().nonnegative(),
    }),
    verification: z.object({ valid: z.boolean(), summary: text(500) }),
    signatures: z.array(z.object({ field: text(100), signer: text(200), signedAt: text(40), timestamp: text(40), level: text(10), result: text(200) })),
    audit: z.object({ intact: z.boolean(), events: z.number().int().nonnegative(), firstAt: text(40), lastAt: text(40), lastHash: text(64) }),
    files: z.array(z.object({ name: text(200), sha256, size: z.number().int().nonnegative() })),
  }),
  example: {
    caseNumber: '晋运劳人仲案字〔2027〕第0012号',
    requester: { office: '运城市劳动人事争议仲裁委员会', regionCode: '1408', purpose: '劳动争议仲裁案件调取证据' },
    platform: { name: 'LaborSign 电子劳动合同平台', uscc: '91140105MA0LB00017' },
    generatedAt: '2027年3月2日 10:15:08（北京时间）',
    contract: {
      number: 'LS20260901ABCDEFGH',
      title: '劳动合同（通用）',
      status: '已签署（生效）',
      employerName: '山西晋阳示范科技有限公司',
      employerUscc: '91140105MA0KXH8T39',
      workerName: '王晓东',
      workerIdMasked: '140105********2418',
      effectiveAt: '2026年9月1日 09:30:12（北京时间）',
      documentSha256: '3b1f0c5b1d0f4d2a9e6c1a7b8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80912',
      documentSize: 287488,
    },
    verification: { valid: true, summary: '全部 3 个签名和时间戳验证通过，签署后未发现不允许的修改' },
    signatures: [
      { field: 'employer-seal', signer: '山西晋阳示范科技有限公司', signedAt: '2026年9月1日 09:12:40', timestamp: '2026年9月1日 09:12:40', level: 'B-T', result: '有效' },
      { field: 'worker-signature', signer: '王晓东', signedAt: '2026年9月1日 09:30:12', timestamp: '2026年9月1日 09:30:12', level: 'B-LTA', result: '有效' },
    ],
    audit: { intact: true, events: 14, firstAt: '2026年9月1日 09:10:02', lastAt: '2027年3月2日 10:15:07', lastHash: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
    files: [
      { name: 'contract.pdf', sha256: '3b1f0c5b1d0f4d2a9e6c1a7b8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f80912', size: 287488 },
      { name: 'verification.json', sha256: '0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0', size: 5120 },
    ],
  },
});
