/**
 * Reading a contract on behalf of an API principal: the record, its PDF and its evidence trail,
 * each behind the one access check (access.ts). What the contract routes answer with.
 */
import type { Db } from '../../db/client.ts';
import type { ObjectArchive } from '../../storage/archive.ts';
import { verifyAuditChain, type AuditAnchors } from '../audit.ts';
import type { Principal } from '../principals.ts';
import { loadContract, readerOf } from './access.ts';
import { contractDocument } from './documents.ts';

export class ContractQueries {
  constructor(private readonly deps: { db: Db; archive: ObjectArchive; auditAnchors: AuditAnchors }) {}

  /** One contract the principal manages; 404 for another employer's. */
  get(principal: Principal, contractId: string) {
    return loadContract(this.deps.db, readerOf(principal), contractId, 'contract.manage');
  }

  /** The contract's latest revision or its termination certificate, with the contract's number. */
  async pdf(principal: Principal, contractId: string, which: 'contract' | 'termination-certificate') {
    const contract = await this.get(principal, contractId);
    const document = await contractDocument(this.deps.db, contract.id, which);
    const pdf = await this.deps.archive.read(document);
    return { number: contract.number, sha256: document.sha256, pdf };
  }

  /** The contract's hash-chained audit events and whether the chain is intact. */
  async auditTrail(principal: Principal, contractId: string) {
    const { db, auditAnchors } = this.deps;
    const contract = await loadContract(db, readerOf(principal), contractId, 'contract.audit');
    const events = await db.auditEvent.findMany({ where: { chain: contract.id }, orderBy: { seq: 'asc' } });
    const chain = await verifyAuditChain(db, contract.id, auditAnchors);
    return { chain, events };
  }
}
