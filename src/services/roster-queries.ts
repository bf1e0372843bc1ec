/**
 * The employer's own roster (职工名册) as a list: paged by entry id with a cursor (ids are
 * time-ordered uuid v7, so an entry added between page fetches comes after every entry already
 * listed and no entry is listed twice), filtered by employed / separated and by whether the
 * worker has a written contract in force with this employer.
 */
import type { Db } from '../db/client.ts';
import type { ContractStatus, Prisma } from '../generated/prisma/client.ts';
import type { FieldCrypto } from '../security/field-crypto.ts';
import { readWorker } from './workers.ts';

export interface RosterFilter {
  status?: 'active' | 'separated';
  contract?: 'with' | 'without';
}

/** Contract states in which a written labor contract is in force. */
const inForce: ContractStatus[] = ['signed', 'renewed', 'changed'];
const day = (date: Date | null) => date?.toISOString().slice(0, 10) ?? null;

export class RosterQueries {
  constructor(private readonly deps: { db: Db; crypto: FieldCrypto }) {}

  async list(organisationId: string, filter: RosterFilter, page: { after?: string; limit: number }) {
    const { db, crypto } = this.deps;
    const written: Prisma.WorkerWhereInput = { contracts: { some: { employerId: organisationId, status: { in: inForce } } } };
    const where: Prisma.RosterEntryWhereInput = {
      organisationId,
      ...(filter.status === 'active' ? { separationDate: null } : filter.status === 'separated' ? { separationDate: { not: null } } : {}),
      ...(filter.contract === 'with' ? { worker: written } : filter.contract === 'without' ? { worker: { NOT: written } } : {}),
      ...(page.after ? { id: { gt: page.after } } : {}),
    };
    const rows = await db.rosterEntry.findMany({
      where,
      include: { worker: { include: { contracts: { where: { employerId: organisationId, status: { in: inForce } }, select: { id: true, number: true }, take: 1 } } } },
      orderBy: { id: 'asc' },
      take: page.limit + 1,
    });
    const items = rows.slice(0, page.limit).map((entry) => {
      const worker = readWorker(crypto, entry.worker);
      const contract = entry.worker.contracts[0];
      return {
        id: entry.id,
        worker: { name: worker.name, idNumber: worker.idNumber },
        employmentForm: entry.employmentForm,
        hireDate: day(entry.hireDate)!,
        separationDate: day(entry.separationDate),
        separationKind: entry.separationKind,
        post: entry.post,
        writtenContract: contract ? { id: contract.id, number: contract.number } : null,
      };
    });
    return { items, next: rows.length > page.limit ? items.at(-1)!.id : null };
  }
}
