/**
 * Which audit events become which webhook events, and what their payload carries: the audit
 * trail is where every contract change is written inside its transaction, so webhooks follow it.
 * Personal data (names, ID and phone numbers) never goes into a payload.
 */
export const webhookEventTypes = ['contract.sent', 'contract.viewed', 'contract.signed', 'contract.declined', 'contract.voided', 'contract.link_expired', 'contract.terminated'] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

const fromAudit: Record<string, WebhookEventType> = {
  'contract.sent': 'contract.sent',
  'contract.resent': 'contract.sent',
  'document.viewed': 'contract.viewed',
  'contract.signed': 'contract.signed',
  'contract.declined': 'contract.declined',
  'contract.voided': 'contract.voided',
  'contract.link_expired': 'contract.link_expired',
  'contract.terminated': 'contract.terminated',
};

/** Audit data fields passed on: none of them personal. */
const passedOn = ['documentSha256', 'level', 'reason', 'expiresAt', 'expiredAt', 'batchId', 'batchRow', 'from', 'kind', 'effectiveDate', 'retainUntil'];

export interface AuditedEvent {
  type: string;
  contractId: string | null;
  actorKind: string;
  data: unknown;
  at: Date;
}

export function webhookEventOf(event: AuditedEvent): WebhookEventType | undefined {
  if (!event.contractId) return undefined;
  // Only the worker's own views of the document count as "viewed" (not employer downloads).
  if (event.type === 'document.viewed' && event.actorKind !== 'worker') return undefined;
  return fromAudit[event.type];
}

export function payloadOf(type: WebhookEventType, event: AuditedEvent, contract: { id: string; number: string; employerId: string }): string {
  const data = (event.data && typeof event.data === 'object' ? event.data : {}) as Record<string, unknown>;
  const details = Object.fromEntries(passedOn.filter((key) => data[key] !== undefined).map((key) => [key, data[key]]));
  return JSON.stringify({ type, timestamp: event.at.toISOString(), data: { contractId: contract.id, contractNumber: contract.number, organisationId: contract.employerId, ...details } });
}
