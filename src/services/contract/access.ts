/**
 * Loading a contract for a reader: the one ownership and access check of the platform. Every
 * service and route that reads or changes a contract on someone's behalf loads it here; the
 * rule itself is the access table (src/domain/access.ts). A record outside the reader's reach
 * answers 404 (its existence is not revealed); a reader whose kind has no grant answers 403.
 */
import type { DbTx, Prisma } from '../../db/client.ts';
import { reaches, type Reader, type ReaderKind, type Resource } from '../../domain/access.ts';
import { Problem } from '../../problem.ts';
import type { Principal } from '../principals.ts';

/** The reader behind an API principal. */
export function readerOf(principal: Principal): Reader {
  switch (principal.kind) {
    case 'admin':
      return { kind: 'admin' };
    case 'employer':
      return { kind: 'employer', organisationId: principal.organisationId };
    case 'official':
      return { kind: principal.role, regionCode: principal.regionCode };
  }
}

/** The kind of reader behind an API principal (an official by their role). */
export function readerKindOf(principal: Principal): ReaderKind {
  return principal.kind === 'official' ? principal.role : principal.kind;
}

/** The reader an employer organisation is. */
export const employerReader = (organisation: { id: string }): Reader => ({ kind: 'employer', organisationId: organisation.id });

const refusal = (reason: 'no_grant' | 'out_of_scope' | 'case_required') => {
  if (reason === 'no_grant') return Problem.forbidden('Your role has no access to this record.');
  if (reason === 'case_required') return Problem.badRequest([{ field: 'caseNumber', rule: 'required', message: 'a case number (案号) is required for this record', messageZh: '请填写案号' }]);
  return Problem.notFound('Contract');
};

/**
 * The contract `contractId` if the reader may reach it for `resource`, with `include`;
 * otherwise a 403/404/400 problem (see `reaches`).
 */
export async function loadContract<I extends Prisma.ContractInclude = Record<string, never>>(
  db: DbTx,
  reader: Reader,
  contractId: string,
  resource: Resource,
  options: { include?: I; caseNumber?: string | undefined } = {},
): Promise<Prisma.ContractGetPayload<{ include: I }>> {
  // A reader with no grant is refused before anything is read.
  const early = reaches(reader, resource, {});
  if (!early.allowed && early.reason === 'no_grant') throw refusal('no_grant');
  const contract = (await db.contract.findUnique({ where: { id: contractId }, include: options.include ?? ({} as I) })) as Prisma.ContractGetPayload<{ include: I }> | null;
  if (!contract) throw refusal('out_of_scope');
  const workerPhoneIndex = reader.kind === 'worker' ? ((await db.worker.findUnique({ where: { id: contract.workerId }, select: { phoneIndex: true } }))?.phoneIndex ?? null) : undefined;
  const decision = reaches(reader, resource, { id: contract.id, organisationId: contract.employerId, regionCode: contract.regionCode, status: contract.status, workerPhoneIndex }, { caseNumber: options.caseNumber });
  if (!decision.allowed) throw refusal(decision.reason);
  return contract;
}

/** A contract by id, for a step that already holds the right to act on it (a signing link, a job, a verified file): no reader check. */
export function contractById<I extends Prisma.ContractInclude = Record<string, never>>(tx: DbTx, id: string, include?: I) {
  return tx.contract.findUniqueOrThrow({ where: { id }, include: include ?? ({} as I) }) as unknown as Promise<Prisma.ContractGetPayload<{ include: I }>>;
}
