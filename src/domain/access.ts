/**
 * Who may read or do what: the one access table of the platform. Each grant names the reader
 * (a kind of credential, or an office by its role), the resource, how far it reaches (scope)
 * and the legal purpose that justifies it. Anything not granted here is refused. Pure: the
 * HTTP hook asks `readerMayUse` before a route runs, and the contract loader
 * (src/services/contract/access.ts) asks `reaches` for the one record it loaded.
 */
import { normalizeRegionPrefix, regionMatchesPrefix } from './identity.ts';

export const officialRoles = ['insurance', 'arbitration', 'inspection', 'employment'] as const;
export type OfficialRoleName = (typeof officialRoles)[number];

/**
 * Kinds of reader. `anyone` is a caller without credentials; `worker` holds a 我的合同 portal
 * session (phone + code); `signing-link` holds the token of one signing link.
 */
export const readerKinds = ['anyone', 'admin', 'employer', ...officialRoles, 'worker', 'signing-link'] as const;
export type ReaderKind = (typeof readerKinds)[number];

/**
 * How far a grant reaches: `all` every record; `own` the employer's own organisation's;
 * `region` records whose 行政区划代码 lies in the official's prefix; `region-case` the same, for a
 * named case (案号 required); `self` the worker's own contracts (the session's phone);
 * `link` the one contract of the link.
 */
export type Scope = 'all' | 'own' | 'region' | 'region-case' | 'self' | 'link';

export interface Grant {
  scope: Scope;
  /** The legal purpose the grant serves (shown in docs/SECURITY.md). */
  purpose: string;
}

export const resources = [
  'public',
  'identity',
  'templates',
  'administration',
  'organisation',
  'contract.read',
  'contract.manage',
  'contract.audit',
  'batches',
  'roster',
  'seal',
  'staff',
  'worker.contracts',
  'insurance.enrolment',
  'employer.file',
  'employment.hires',
  'evidence.bundle',
  'legal.case',
  'portal',
  'signing',
] as const;
export type Resource = (typeof resources)[number];

const manage = '用人单位 concludes, keeps and manages its own contracts and records (劳动合同法 Art. 10, 16)';
const inspect = '劳动保障监察: inspects employers and contracts of its region (劳动保障监察条例 Art. 11, 15)';
const officialsSee = 'registered employer data of the region, for any office (logged)';

/**
 * The access table: resource → reader → grant. Insurance reads the data enrolment needs
 * (identity, start date, form, term, wage, USCC) and the change feed, not contract documents;
 * arbitration takes a contract's evidence for a named case (调解仲裁法 Art. 6), not free browsing;
 * employment reads hires for 就业登记 and subsidies; inspection inspects.
 */
export const accessTable: Record<Resource, Partial<Record<ReaderKind, Grant>>> = {
  public: { anyone: { scope: 'all', purpose: 'health, published CA certificates and CRLs, OCSP, timestamps, signature verification, pages, portal login' } },
  identity: {
    admin: { scope: 'all', purpose: 'the caller’s own credential' },
    employer: { scope: 'own', purpose: 'the caller’s own credential' },
    insurance: { scope: 'own', purpose: 'the caller’s own credential' },
    arbitration: { scope: 'own', purpose: 'the caller’s own credential' },
    inspection: { scope: 'own', purpose: 'the caller’s own credential' },
    employment: { scope: 'own', purpose: 'the caller’s own credential' },
  },
  templates: {
    admin: { scope: 'all', purpose: 'published contract templates (no personal data)' },
    employer: { scope: 'all', purpose: 'published contract templates (no personal data)' },
    insurance: { scope: 'all', purpose: 'published contract templates (no personal data)' },
    arbitration: { scope: 'all', purpose: 'published contract templates (no personal data)' },
    inspection: { scope: 'all', purpose: 'published contract templates (no personal data)' },
    employment: { scope: 'all', purpose: 'published contract templates (no personal data)' },
  },
  administration: { admin: { scope: 'all', purpose: 'platform operation: employers, officials, certificates, sweeps' } },
  organisation: {
    admin: { scope: 'all', purpose: 'platform operation' },
    employer: { scope: 'own', purpose: manage },
    insurance: { scope: 'region', purpose: officialsSee },
    arbitration: { scope: 'region', purpose: officialsSee },
    inspection: { scope: 'region', purpose: officialsSee },
    employment: { scope: 'region', purpose: officialsSee },
  },
  'contract.read': {
    employer: { scope: 'own', purpose: manage },
    inspection: { scope: 'region', purpose: inspect },
    worker: { scope: 'self', purpose: 'the worker holds a copy of their own contract, free (劳动合同法 Art. 16)' },
    'signing-link': { scope: 'link', purpose: 'the worker reads the contract before signing it' },
  },
  'contract.manage': { employer: { scope: 'own', purpose: manage } },
  'contract.audit': {
    admin: { scope: 'all', purpose: 'platform operation: evidence trail integrity' },
    employer: { scope: 'own', purpose: manage },
  },
  batches: { employer: { scope: 'own', purpose: manage } },
  roster: { employer: { scope: 'own', purpose: '用工备案: the employer records hires and separations (劳动合同法 Art. 7)' } },
  seal: { employer: { scope: 'own', purpose: 'the employer’s seal image and its authorisations for automatic sealing' } },
  staff: { employer: { scope: 'own', purpose: 'the employer names the people who use its console and their roles; each act is audited under the person' } },
  'worker.contracts': { inspection: { scope: 'region', purpose: inspect } },
  'insurance.enrolment': {
    insurance: { scope: 'region', purpose: '社保经办: enrolment needs identity, 用工起始日, 用工形式, term, wage and the employer’s USCC (社会保险法 Art. 57, 58)' },
  },
  'employer.file': { inspection: { scope: 'region', purpose: inspect } },
  'employment.hires': { employment: { scope: 'region', purpose: '就业登记 and employment subsidies: hires and separations of the region' } },
  'evidence.bundle': {
    arbitration: { scope: 'region-case', purpose: '劳动争议仲裁: the employer-held evidence of a case (调解仲裁法 Art. 6)' },
    inspection: { scope: 'region-case', purpose: inspect },
  },
  'legal.case': {
    arbitration: { scope: 'region-case', purpose: '劳动争议仲裁: keeps a case’s evidence unaltered while the case runs (legal hold; 调解仲裁法 Art. 6)' },
    inspection: { scope: 'region-case', purpose: '劳动保障监察: keeps the evidence of a case under investigation unaltered (legal hold; 劳动保障监察条例 Art. 15)' },
  },
  portal: { worker: { scope: 'self', purpose: '我的合同: the worker’s own contracts and who viewed them' } },
  signing: { 'signing-link': { scope: 'link', purpose: 'the worker signs or declines the contract of the link' } },
};

/** The grant of a reader for a resource, or undefined when it has none. */
export function grantOf(reader: ReaderKind, resource: Resource): Grant | undefined {
  return accessTable[resource][reader];
}

/** Kinds of reader with a grant for the resource. */
export function readersOf(resource: Resource): ReaderKind[] {
  return readerKinds.filter((reader) => accessTable[resource][reader] !== undefined);
}

/** True when the resource is open without any credential. */
export function isPublic(resource: Resource): boolean {
  return accessTable[resource].anyone !== undefined;
}

/**
 * True when the resource needs an API key (admin, employer, official) rather than a portal
 * session or a signing link, which the services that own them check.
 */
export function needsApiKey(resource: Resource): boolean {
  return !isPublic(resource) && readersOf(resource).some((reader) => reader !== 'worker' && reader !== 'signing-link');
}

/**
 * The region an official may see, as a 行政区划代码 prefix: their code with the trailing "00"
 * pairs dropped ('140800' → '1408', '140000' → '14'); undefined for a code that is no prefix.
 */
export function regionScope(regionCode: string): string | undefined {
  return normalizeRegionPrefix(regionCode);
}

/** What a reader is, for deciding on one record. */
export type Reader =
  | { kind: 'admin' }
  | { kind: 'employer'; organisationId: string }
  | { kind: OfficialRoleName; regionCode: string }
  | { kind: 'worker'; phoneIndex: string }
  | { kind: 'signing-link'; contractId: string };

/** The facts of a record that access depends on. */
export interface Target {
  id?: string;
  /** The organisation that owns the record (a contract's employer, an organisation itself). */
  organisationId?: string;
  /** 行政区划代码 of the record (a contract's, or its employer's). */
  regionCode?: string;
  /** Blind index of the worker's phone (a contract's worker). */
  workerPhoneIndex?: string | null | undefined;
  /** A contract's state: a worker has a contract in hand once it was sent. */
  status?: string;
}

/** States in which the worker has the contract in hand (sent for signing, or later). */
export const workerVisibleStatuses = ['sent', 'link_expired', 'signed', 'declined', 'renewed', 'changed', 'terminated', 'expired'] as const;

export type Decision = { allowed: true; grant: Grant } | { allowed: false; reason: 'no_grant' | 'out_of_scope' | 'case_required' };

/**
 * May this reader reach this record of the resource? `no_grant`: the reader's kind has no
 * grant at all (answer 403); `out_of_scope`: the record is not theirs (answer 404, so its
 * existence is not revealed); `case_required`: a case number is missing.
 */
export function reaches(reader: Reader, resource: Resource, target: Target, context: { caseNumber?: string | undefined } = {}): Decision {
  const grant = grantOf(reader.kind, resource);
  if (!grant) return { allowed: false, reason: 'no_grant' };
  const inScope = (): boolean => {
    switch (grant.scope) {
      case 'all':
        return true;
      case 'own':
        return reader.kind === 'employer' && target.organisationId === reader.organisationId;
      case 'region':
      case 'region-case':
        return 'regionCode' in reader && target.regionCode !== undefined && regionMatchesPrefix(target.regionCode, reader.regionCode);
      case 'self':
        return (
          reader.kind === 'worker' && !!target.workerPhoneIndex && target.workerPhoneIndex === reader.phoneIndex && (workerVisibleStatuses as readonly (string | undefined)[]).includes(target.status)
        );
      case 'link':
        return reader.kind === 'signing-link' && target.id === reader.contractId;
    }
  };
  if (!inScope()) return { allowed: false, reason: 'out_of_scope' };
  if (grant.scope === 'region-case' && !context.caseNumber?.trim()) return { allowed: false, reason: 'case_required' };
  return { allowed: true, grant };
}
