/**
 * The worker's side of a contract, one entry point over its parts in src/services/worker-signing/:
 * the signing link sent by SMS and its lockout (links.ts), the checks before signing (read to
 * the end, identity, one-time code) and the refusal (steps.ts), and the two-phase signature whose
 * key never leaves the worker's browser, with B-LTA and the prior contract's amendment
 * (signature.ts). Messages for the worker are in Chinese.
 */
import { randomBytes } from 'node:crypto';
import type { Organisation } from '../generated/prisma/client.ts';
import type { Actor } from './audit.ts';
import { SigningLinks, type RequestContext, type WorkerSigningDeps } from './worker-signing/links.ts';
import { restorePrepared, WorkerSignature } from './worker-signing/signature.ts';
import { SigningSteps } from './worker-signing/steps.ts';

export { linkPolicy, type RequestContext, type WorkerSigningDeps } from './worker-signing/links.ts';
export { workerSignerNameColumn } from './worker-signing/signature.ts';
export { preSigningNotice } from './worker-signing/steps.ts';

export class WorkerSigningService {
  private readonly links: SigningLinks;
  private readonly steps: SigningSteps;
  private readonly signature: WorkerSignature;

  constructor(deps: WorkerSigningDeps) {
    this.links = new SigningLinks(deps);
    this.steps = new SigningSteps(deps, this.links);
    this.signature = new WorkerSignature(deps, this.links, this.steps);
  }

  signingUrl(token: string): string {
    return this.links.signingUrl(token);
  }

  /** A new signing link for a contract: the token (only ever in the SMS), its hash, expiry and the SMS. */
  invitation(employerName: string, worker: { name: string; phone: string }, contractNumber: string) {
    return this.links.invitation(employerName, worker, contractNumber);
  }

  /** Sends (or resends) the signing link to the worker; a new link replaces any earlier one. */
  send(organisation: Organisation, contractId: string, context: RequestContext & { actor: Actor }) {
    return this.links.send(organisation, contractId, context);
  }

  /** What the worker's page shows on opening the link. */
  open(token: string, context: RequestContext) {
    return this.steps.open(token, context);
  }

  document(token: string, context: RequestContext): Promise<Uint8Array> {
    return this.steps.document(token, context);
  }

  readToEnd(token: string, context: RequestContext) {
    return this.steps.readToEnd(token, context);
  }

  /** Checks name and ID number against the contract, then texts a one-time code. */
  verifyIdentity(token: string, input: { name: string; idNumber: string }, context: RequestContext) {
    return this.steps.verifyIdentity(token, input, context);
  }

  resendCode(token: string, context: RequestContext) {
    return this.steps.resendCode(token, context);
  }

  /** Phase one of the signature: code and intent checked, the browser's key certified, the signed attributes to sign. */
  prepare(token: string, input: { code: string; publicKey: string; signatureImage: string; intent: boolean; confirmations?: string[] }, context: RequestContext) {
    return this.signature.prepare(token, input, context);
  }

  /** Phase two: the browser's signature over the signed attributes completes the contract. */
  complete(token: string, input: { sessionId: string; signature: string }, context: RequestContext) {
    return this.signature.complete(token, input, context);
  }

  decline(token: string, input: { reason: string }, context: RequestContext) {
    return this.steps.decline(token, input, context);
  }
}

export const forTests = { restorePrepared, randomBytes };
