/**
 * The verification report: per signature an ETSI EN 319 102-1 style indication
 * (TOTAL-PASSED / TOTAL-FAILED / INDETERMINATE) with a sub-indication, derived from typed
 * check results (never from problem texts), plus the PAdES level reached and the diff
 * analysis. `problems` stays as human-readable detail only.
 */
import type { PathFailure } from '../pki/path-validation.ts';
import type { DiffResult } from './diff-policy.ts';

export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
export type Indication = 'TOTAL-PASSED' | 'TOTAL-FAILED' | 'INDETERMINATE';
export type SubIndication =
  | 'FORMAT_FAILURE'
  | 'HASH_FAILURE'
  | 'SIG_CRYPTO_FAILURE'
  | 'REVOKED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'CHAIN_CONSTRAINTS_FAILURE'
  | 'CERTIFICATE_CHAIN_GENERAL_FAILURE'
  | 'NO_CERTIFICATE_CHAIN_FOUND'
  | 'NO_SIGNING_CERTIFICATE_FOUND'
  | 'OUT_OF_BOUNDS_NO_POE'
  | 'REVOKED_NO_POE'
  | 'REVOKED_CA_NO_POE'
  | 'TRY_LATER'
  | 'SIG_CONSTRAINTS_FAILURE'
  /** Not an ETSI value: later revisions made changes the signature does not allow (pyHanko: docmdp_ok false). */
  | 'DISALLOWED_MODIFICATION';

export const subIndications: readonly SubIndication[] = [
  'FORMAT_FAILURE',
  'HASH_FAILURE',
  'SIG_CRYPTO_FAILURE',
  'REVOKED',
  'EXPIRED',
  'NOT_YET_VALID',
  'CHAIN_CONSTRAINTS_FAILURE',
  'CERTIFICATE_CHAIN_GENERAL_FAILURE',
  'NO_CERTIFICATE_CHAIN_FOUND',
  'NO_SIGNING_CERTIFICATE_FOUND',
  'OUT_OF_BOUNDS_NO_POE',
  'REVOKED_NO_POE',
  'REVOKED_CA_NO_POE',
  'TRY_LATER',
  'SIG_CONSTRAINTS_FAILURE',
  'DISALLOWED_MODIFICATION',
];

export type RevocationStatus = {
  status: 'good' | 'revoked' | 'unknown';
  source: 'dss' | 'lookup' | 'none';
  revokedAt?: Date;
  /** Revoked, but after a trusted signature timestamp proved the signature existed: it stands. */
  afterSignature?: boolean;
};

export interface TimestampReport {
  time: string;
  valid: boolean;
  problems: string[];
}

export interface SignatureReport {
  fieldName: string;
  kind: 'signature' | 'document-timestamp';
  subFilter: string;
  signer?: { name: string; subject: string; serialHex: string; issuer: string };
  signingTime?: string;
  byteRange: number[];
  /** The ranges cover the whole revision except exactly the /Contents hex string. */
  coversRevision: boolean;
  /** The signed revision is the whole file (nothing appended after it). */
  coversWholeFile: boolean;
  /** How many revisions were appended after the signed one. */
  revisionsAfter: number;
  digestValid: boolean;
  signatureValid: boolean;
  chainTrusted: boolean;
  chain: string[];
  /** The time the certificates were validated at: when the signature is proven to exist. */
  validationTime?: string;
  timestamp?: TimestampReport;
  revocation: RevocationStatus;
  /** Changes after the signed revision, each with the rule that allowed it or `not allowed`. */
  modification: DiffResult;
  /** Human-readable list of the changes not allowed (kept for existing callers). */
  disallowedChanges: string[];
  level?: PadesLevel;
  indication: Indication;
  subIndication?: SubIndication;
  /** The indication in Chinese, for the /verify page and printed reports. */
  summaryZh: string;
  valid: boolean;
  problems: string[];
}

export interface VerificationReport {
  valid: boolean;
  indication: Indication;
  sha256: string;
  /** Revisions in the file (each incremental update adds one). */
  revisions: number;
  signatures: SignatureReport[];
}

/** Facts gathered about one signature, from which the indication follows. */
export interface SignatureFacts {
  parsed: boolean;
  coversRevision: boolean;
  digestValid: boolean;
  signatureValid: boolean;
  signerFound: boolean;
  /** Path validation failure of the signer (or TSA for a document timestamp), if any. */
  pathFailure?: PathFailure;
  /** The failing certificate is the signer's own (not a CA above it). */
  failureAtSigner?: boolean;
  /** The validation time was proven by a trusted timestamp. */
  proven: boolean;
  /** A signature (not a document timestamp) without a valid signature timestamp. */
  timestampMissing: boolean;
  modificationAllowed: boolean;
}

/** ETSI EN 319 102-1 §5.1.3 style outcome; the first failing check decides. */
export function indicationOf(f: SignatureFacts): { indication: Indication; subIndication?: SubIndication } {
  const failed = (subIndication: SubIndication) => ({ indication: 'TOTAL-FAILED' as const, subIndication });
  const indeterminate = (subIndication: SubIndication) => ({ indication: 'INDETERMINATE' as const, subIndication });
  if (!f.parsed) return indeterminate('FORMAT_FAILURE');
  if (!f.coversRevision) return failed('FORMAT_FAILURE');
  if (!f.digestValid) return failed('HASH_FAILURE');
  if (!f.signerFound) return indeterminate('NO_SIGNING_CERTIFICATE_FOUND');
  if (!f.signatureValid) return failed('SIG_CRYPTO_FAILURE');
  switch (f.pathFailure) {
    case undefined:
      break;
    case 'REVOKED':
      return f.failureAtSigner ? (f.proven ? failed('REVOKED') : indeterminate('REVOKED_NO_POE')) : indeterminate('REVOKED_CA_NO_POE');
    case 'EXPIRED':
    case 'NOT_YET_VALID':
      return f.failureAtSigner && f.proven ? failed(f.pathFailure) : indeterminate('OUT_OF_BOUNDS_NO_POE');
    default:
      return indeterminate(f.pathFailure);
  }
  if (!f.modificationAllowed) return failed('DISALLOWED_MODIFICATION');
  if (f.timestampMissing) return indeterminate('SIG_CONSTRAINTS_FAILURE');
  return { indication: 'TOTAL-PASSED' };
}

/** The document's indication: passed when every signature passed, failed when one failed. */
export function overallIndication(reports: SignatureReport[]): Indication {
  if (!reports.length) return 'INDETERMINATE';
  if (reports.some((r) => r.indication === 'TOTAL-FAILED')) return 'TOTAL-FAILED';
  return reports.every((r) => r.indication === 'TOTAL-PASSED') ? 'TOTAL-PASSED' : 'INDETERMINATE';
}

const indicationZh: Record<Indication, string> = { 'TOTAL-PASSED': '验证通过', 'TOTAL-FAILED': '验证失败', INDETERMINATE: '无法确定' };
const subIndicationZh: Record<SubIndication, string> = {
  FORMAT_FAILURE: '签名格式错误或签名范围异常',
  HASH_FAILURE: '文档内容在签署后被改动（摘要不符）',
  SIG_CRYPTO_FAILURE: '签名值校验失败',
  REVOKED: '签署时证书已被吊销',
  EXPIRED: '签署时证书已过期',
  NOT_YET_VALID: '签署时证书尚未生效',
  CHAIN_CONSTRAINTS_FAILURE: '证书链不满足约束（如非 CA 证书签发证书、用途不符）',
  CERTIFICATE_CHAIN_GENERAL_FAILURE: '证书链校验失败',
  NO_CERTIFICATE_CHAIN_FOUND: '找不到通往可信根证书的证书链',
  NO_SIGNING_CERTIFICATE_FOUND: '找不到签名证书',
  OUT_OF_BOUNDS_NO_POE: '证书不在有效期内，且无时间戳证明签名早于此',
  REVOKED_NO_POE: '证书已吊销，且无时间戳证明签名早于吊销',
  REVOKED_CA_NO_POE: '证书链中的 CA 证书已吊销',
  TRY_LATER: '暂时无法取得证书状态（吊销信息），请稍后再试',
  SIG_CONSTRAINTS_FAILURE: '缺少有效的签名时间戳',
  DISALLOWED_MODIFICATION: '签署后文件有不允许的修改',
};

/** One line in Chinese for the /verify page and the reports: the indication and why. */
export function summaryZh(indication: Indication, subIndication?: SubIndication): string {
  return subIndication ? `${indicationZh[indication]}：${subIndicationZh[subIndication]}` : indicationZh[indication];
}
