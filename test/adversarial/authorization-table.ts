/**
 * The expected outcome of every route for every kind of caller, written from what each role is
 * for (docs/SECURITY.md "Access"; /work/shared/domain.md §6), not recorded from the service:
 *
 * - employers manage their own contracts, batches, roster and seal; never another employer's;
 * - 社保经办 (insurance) reads what enrolment needs: a person's contracts' enrolment data and the
 *   change feed of its region, never contract documents;
 * - 劳动保障监察 (inspection) inspects employers and contracts of its region;
 * - 劳动争议仲裁 (arbitration) takes the evidence bundle of a contract for a named case;
 * - 就业服务 (employment) reads the hires of its region;
 * - a worker (portal session) sees their own contracts; a signing link reaches its one contract.
 *
 * Each route's target is employer A's record (contract A1 signed, A2 sent for signing, worker A,
 * A's batch and seal authorisation; region 1408 运城). "own" officials are of 1408, "other" of
 * 1401 太原 (where employer B is). Signing routes take the caller's own link token in the path
 * (a made-up token for callers without one).
 *
 * Outcomes: `allow` (not 401/403/404, no 5xx); `blind` (may call, but the answer holds nothing of
 * A: its ids, numbers, the worker's name, ID number or phone; no 5xx); every caller not listed is
 * `deny` (401, 403 or 404, and no personal data of A in the answer).
 */
export const principals = [
  'anonymous',
  'garbage-key',
  'admin',
  'employer-a',
  'employer-b',
  'insurance-own',
  'insurance-other',
  'arbitration-own',
  'arbitration-other',
  'inspection-own',
  'inspection-other',
  'employment-own',
  'employment-other',
  'worker-a',
  'worker-b',
  'link-a',
  'link-b',
] as const;
export type PrincipalName = (typeof principals)[number];
export type Outcome = 'allow' | 'blind' | 'deny';

export interface Row {
  /** Why these callers and no others. */
  why: string;
  allow?: readonly PrincipalName[];
  blind?: readonly PrincipalName[];
}

const everyone = principals;
const apiKeys = [
  'admin',
  'employer-a',
  'employer-b',
  'insurance-own',
  'insurance-other',
  'arbitration-own',
  'arbitration-other',
  'inspection-own',
  'inspection-other',
  'employment-own',
  'employment-other',
] as const;
const ownOfficials = ['insurance-own', 'arbitration-own', 'inspection-own', 'employment-own'] as const;
const employers = ['employer-a', 'employer-b'] as const;

const publicRow = (why: string): Row => ({ why, allow: everyone });
const employerOwn: Row = { why: 'an employer manages its own records; each employer acts on its own organisation', allow: employers };
const onContractA: Row = { why: 'employer A’s own contract: only employer A manages it', allow: ['employer-a'] };
const onRecordOfA: Row = { why: 'employer A’s own batch, seal authorisation or webhook endpoint: only employer A', allow: ['employer-a'] };
const adminOnly: Row = { why: 'platform operation', allow: ['admin'] };
const linkRow: Row = { why: 'the signing link is the credential: it reaches its own contract only', allow: ['link-a'], blind: ['link-b'] };

/** Route ("METHOD /path" as in /openapi.json) → expected outcomes. */
export const authorizationTable: Record<string, Row> = {
  'GET /healthz': publicRow('liveness, no data'),
  'GET /readyz': publicRow('readiness, no data'),
  'GET /pki/ca/{file}': publicRow('published CA certificates'),
  'GET /pki/crl/{file}': publicRow('published CRLs'),
  'POST /pki/ocsp': publicRow('OCSP responder for relying parties'),
  'POST /tsa': publicRow('RFC 3161 timestamps'),
  'POST /api/v1/verify': publicRow('anyone may verify a PDF they hold'),
  'POST /api/v1/portal/code': publicRow('portal login step 1 (same answer for unknown numbers)'),
  'POST /api/v1/portal/login': publicRow('portal login step 2 (the code is the credential)'),
  // Holds every SMS (codes, links): only on a development instance, and only from the machine itself (callers here come from 10.0.0.x).
  'GET /api/v1/dev/outbox': { why: 'development SMS outbox: only without an SMS gateway outside production, only from loopback' },

  'POST /api/v1/admin/employers': adminOnly,
  'GET /api/v1/admin/employers': adminOnly,
  'POST /api/v1/admin/officials': adminOnly,
  'POST /api/v1/admin/supervision/run': adminOnly,
  'POST /api/v1/admin/lifecycle/sweep': adminOnly,
  'POST /api/v1/admin/certificates/{serial}/revoke': adminOnly,

  'GET /api/v1/me': { why: 'every API key may see whose it is', allow: apiKeys },
  'GET /api/v1/templates': { why: 'templates hold no personal data', allow: apiKeys },
  'GET /api/v1/templates/{id}': { why: 'templates hold no personal data', allow: apiKeys },
  'GET /api/v1/employers/{id}': { why: 'employer A’s registration: the admin, employer A, and any office of its region', allow: ['admin', 'employer-a', ...ownOfficials] },
  'PUT /api/v1/employers/me/seal-image': employerOwn,

  'POST /api/v1/contracts/validate': employerOwn,
  'POST /api/v1/contracts/preview': employerOwn,
  'POST /api/v1/contracts': employerOwn,
  'GET /api/v1/contracts/{id}': onContractA,
  'GET /api/v1/contracts/{id}/pdf': onContractA,
  'POST /api/v1/contracts/{id}/seal': onContractA,
  'POST /api/v1/contracts/{id}/send': onContractA,
  'POST /api/v1/contracts/{id}/void': onContractA,
  'POST /api/v1/contracts/{id}/terminate': onContractA,
  'POST /api/v1/contracts/{id}/attachments': onContractA,
  'GET /api/v1/contracts': { why: 'an employer lists its own contracts', allow: ['employer-a'], blind: ['employer-b'] },
  'GET /api/v1/contracts/{id}/overview': onContractA,
  'POST /api/v1/console/session': publicRow('console sign-in: the user name and password are the credential'),
  'DELETE /api/v1/console/session': { why: 'ends the caller’s own console session: API keys and other credentials have none' },
  'GET /api/v1/staff': { why: 'an employer lists its own console users', allow: ['employer-a'], blind: ['employer-b'] },
  'POST /api/v1/staff': employerOwn,
  'GET /api/v1/contracts/{id}/audit': { why: 'the evidence trail: its employer and the platform operator; officials read evidence through the logged government API', allow: ['admin', 'employer-a'] },

  'POST /api/v1/batches': employerOwn,
  'POST /api/v1/batches/sheet': employerOwn,
  'GET /api/v1/batches': { why: 'an employer lists its own batches', allow: ['employer-a'], blind: ['employer-b'] },
  'GET /api/v1/batches/{id}': onRecordOfA,
  'GET /api/v1/batches/{id}/events': onRecordOfA,
  'GET /api/v1/batches/{id}/rows': onRecordOfA,
  'GET /api/v1/batches/{id}/errors.csv': onRecordOfA,
  'GET /api/v1/templates/{id}/batch-columns': employerOwn,
  'GET /api/v1/templates/{id}/batch-sheet.{format}': employerOwn,

  'GET /api/v1/seal-authorisations': { why: 'an employer lists its own authorisations', allow: ['employer-a'], blind: ['employer-b'] },
  'POST /api/v1/seal-authorisations': employerOwn,
  'POST /api/v1/seal-authorisations/{id}/revoke': onRecordOfA,
  'POST /api/v1/webhooks/endpoints': employerOwn,
  'GET /api/v1/webhooks/endpoints': { why: 'an employer lists its own webhook endpoints', allow: ['employer-a'], blind: ['employer-b'] },
  'GET /api/v1/webhooks/endpoints/{id}': onRecordOfA,
  'PATCH /api/v1/webhooks/endpoints/{id}': onRecordOfA,
  'POST /api/v1/webhooks/endpoints/{id}/rotate-secret': onRecordOfA,
  'GET /api/v1/webhooks/endpoints/{id}/messages': onRecordOfA,
  'POST /api/v1/webhooks/endpoints/{id}/messages/{messageId}/redeliver': onRecordOfA,

  'POST /api/v1/roster/hires': employerOwn,
  'POST /api/v1/roster/separations': { why: 'an employer records separations from its own roster', allow: ['employer-a'], blind: ['employer-b'] },
  'GET /api/v1/roster/supervision': { why: 'an employer’s own supervision report', allow: ['employer-a'], blind: ['employer-b'] },
  'GET /api/v1/roster/hires/example.csv': employerOwn,
  'POST /api/v1/roster/hires/bulk': employerOwn,
  'GET /api/v1/roster/entries': { why: 'an employer lists its own roster', allow: ['employer-a'], blind: ['employer-b'] },
  'GET /api/v1/roster/self-check': { why: '自查: an employer’s own alerts, naming its own workers', allow: ['employer-a'], blind: ['employer-b'] },
  'GET /api/v1/employers/me/profile': { why: 'an employer reads its own profile; officials read it in the employer views', allow: employers },
  'PUT /api/v1/employers/me/profile': { why: 'an employer keeps its own profile current', allow: employers },
  'POST /api/v1/paper-contracts': employerOwn,
  'POST /api/v1/paper-contracts/sheet': employerOwn,
  'GET /api/v1/paper-contracts/example.csv': employerOwn,
  'GET /api/v1/paper-contracts/example.xlsx': employerOwn,
  'GET /api/v1/paper-contracts': { why: 'an employer lists its own registered paper contracts', allow: ['employer-a'], blind: ['employer-b'] },
  // The target {id} is contract A1, an electronic contract: no caller reaches it as a paper contract.
  'GET /api/v1/paper-contracts/{id}/scan.pdf': { why: 'an employer’s own paper contract only; A1 is not one', allow: [] },
  'POST /api/v1/paper-contracts/{id}/renewal': { why: 'an employer’s own paper contract only; A1 is not one', allow: [] },
  'GET /api/v1/inspection/employers/{uscc}/paper-contracts': { why: '劳动保障监察 of the region', allow: ['inspection-own'] },

  'POST /api/v1/insurance/contracts': { why: '社保经办: enrolment data of a person’s contracts in its region', allow: ['insurance-own'], blind: ['insurance-other'] },
  'GET /api/v1/insurance/events': { why: '社保经办: the change feed of its region', allow: ['insurance-own'], blind: ['insurance-other'] },
  'POST /api/v1/government/workers/contracts': {
    why: '劳动保障监察 looks up a worker’s contracts in its region; insurance has its own enrolment query, arbitration the evidence bundle, employment the hires',
    allow: ['inspection-own'],
    blind: ['inspection-other'],
  },
  'GET /api/v1/government/contracts/{id}': { why: '劳动保障监察 reads a contract of its region; other offices have no need for the document', allow: ['inspection-own'] },
  'GET /api/v1/government/contracts/{id}/pdf': { why: '劳动保障监察 reads a contract of its region; other offices have no need for the document', allow: ['inspection-own'] },
  'GET /api/v1/inspection/employers': { why: '劳动保障监察 of the region', allow: ['inspection-own'] },
  'GET /api/v1/inspection/employers/{uscc}': { why: '劳动保障监察 of the region', allow: ['inspection-own'] },
  'GET /api/v1/inspection/employers/{uscc}/alerts': { why: '劳动保障监察 of the region: alerts with the worker masked', allow: ['inspection-own'] },
  'GET /api/v1/inspection/employers/{uscc}/alerts/{alertId}': { why: '劳动保障监察 of the region: one alert naming the worker, logged', allow: ['inspection-own'] },
  'GET /api/v1/employment/hires': { why: '就业服务: hires of the region', allow: ['employment-own'] },
  'GET /api/v1/inspection/overview': { why: '劳动保障监察 of the region: its stored figures', allow: ['inspection-own'] },
  'GET /api/v1/inspection/ranking': { why: '劳动保障监察 of the region: its employers ranked by risk', allow: ['inspection-own'] },
  'GET /api/v1/inspection/ranking.csv': { why: '劳动保障监察 of the region: the ranking as CSV', allow: ['inspection-own'] },
  'POST /api/v1/arbitration/evidence': { why: '劳动争议仲裁 (and 监察) take a contract’s evidence for a named case in their region', allow: ['arbitration-own', 'inspection-own'] },
  'POST /api/v1/arbitration/cases': { why: '劳动争议仲裁 opens its own cases (legal hold) on contracts of its region; no other office opens an arbitration case', allow: ['arbitration-own'] },
  'POST /api/v1/inspection/cases': { why: '劳动保障监察 opens its own cases (legal hold) on contracts of its region', allow: ['inspection-own'] },
  // The path names a contract, not a case: no caller closes it. The office's own close is tested in test/http/legal-holds.
  'POST /api/v1/arbitration/cases/{id}/close': { why: 'only the office that holds the case closes it; the target here is no case at all', allow: [] },
  'POST /api/v1/inspection/cases/{id}/close': { why: 'only the office that holds the case closes it; the target here is no case at all', allow: [] },

  'GET /api/v1/portal/contracts': { why: '我的合同: the worker’s own contracts', allow: ['worker-a'], blind: ['worker-b'] },
  'GET /api/v1/portal/contracts/{id}/pdf': { why: '我的合同: the worker’s own contract', allow: ['worker-a'] },
  'GET /api/v1/portal/accesses': { why: '我的合同: who viewed the worker’s own contracts', allow: ['worker-a'], blind: ['worker-b'] },

  'GET /api/v1/signing/{token}': linkRow,
  'GET /api/v1/signing/{token}/document.pdf': linkRow,
  'POST /api/v1/signing/{token}/read': linkRow,
  'POST /api/v1/signing/{token}/identity': linkRow,
  'POST /api/v1/signing/{token}/code': linkRow,
  'POST /api/v1/signing/{token}/prepare': linkRow,
  'POST /api/v1/signing/{token}/complete': linkRow,
  'POST /api/v1/signing/{token}/decline': linkRow,
};

/**
 * The nine leaks found on main (issue 19): offices without a purpose for contract documents read
 * any contract of their region through routes that never checked the role.
 */
export const namedLeaks: readonly { route: string; principal: PrincipalName }[] = (['insurance-own', 'employment-own', 'arbitration-own'] as const).flatMap((principal) =>
  ['POST /api/v1/government/workers/contracts', 'GET /api/v1/government/contracts/{id}', 'GET /api/v1/government/contracts/{id}/pdf'].map((route) => ({ route, principal })),
);

export function expected(route: string, principal: PrincipalName): Outcome {
  const row = authorizationTable[route];
  if (!row) throw new Error(`no row for ${route}`);
  return row.allow?.includes(principal) ? 'allow' : row.blind?.includes(principal) ? 'blind' : 'deny';
}
