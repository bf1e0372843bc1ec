/**
 * Loading a contract for a reader: the one ownership and access check of the platform. Every
 * service and route that reads or changes a contract on someone's behalf loads it here; the
 * rule itself is the access table (src/domain/access.ts). A record outside the reader's reach
 * answers 404 (its existence is not revealed); a reader whose kind has no grant answers 403.
 */
import type { DbTx, Prisma } from '../../db/client.ts';
import { grantOf, reaches, regionScope, workerVisibleStatuses, type Reader, type ReaderKind, type Resource } from '../../domain/access.ts';
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
  if (reason === 'no_grant') return Problem.forbidden('Your role has no access to this record.', '您无权查阅此记录');
  if (reason === 'case_required') return Problem.badRequest([{ field: 'caseNumber', rule: 'required', message: 'a case number (案号) is required for this record', messageZh: '请填写案号' }]);
  return Problem.notFound('Contract', '未找到该合同');
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
  const decision = reaches(
    reader,
    resource,
    { id: contract.id, organisationId: contract.employerId, regionCode: contract.regionCode, status: contract.status, workerPhoneIndex },
    { caseNumber: options.caseNumber },
  );
  if (!decision.allowed) throw refusal(decision.reason);
  return contract;
}

/** A contract by id, for a step that already holds the right to act on it (a signing link, a job, a verified file): no reader check. */
export function contractById<I extends Prisma.ContractInclude = Record<string, never>>(tx: DbTx, id: string, include?: I) {
  return tx.contract.findUniqueOrThrow({ where: { id }, include: include ?? ({} as I) }) as unknown as Promise<Prisma.ContractGetPayload<{ include: I }>>;
}

/**
 * The contracts a reader reaches for `resource`, as a query condition: the scope of the same
 * grant `reaches` decides on (own organisation, region prefix, the worker's own visible ones,
 * the link's one). A reader with no grant is refused (403), as by loadContract.
 */
function reachWhere(reader: Reader, resource: Resource): Prisma.ContractWhereInput {
  const grant = grantOf(reader.kind, resource);
  if (!grant) throw refusal('no_grant');
  switch (grant.scope) {
    case 'all':
      return {};
    case 'own':
      return reader.kind === 'employer' ? { employerId: reader.organisationId } : { id: { in: [] } };
    case 'region':
    case 'region-case': {
      if (!('regionCode' in reader)) return { id: { in: [] } };
      const scope = regionScope(reader.regionCode);
      if (!scope) throw Problem.forbidden(`Your region code ${reader.regionCode} is no 行政区划代码 prefix.`, '您的辖区代码不是有效的行政区划代码');
      return { regionCode: { startsWith: scope } };
    }
    case 'self':
      return reader.kind === 'worker' ? { worker: { phoneIndex: reader.phoneIndex }, status: { in: [...workerVisibleStatuses] } } : { id: { in: [] } };
    case 'link':
      return reader.kind === 'signing-link' ? { id: reader.contractId } : { id: { in: [] } };
  }
}

/** The contracts matching `args.where` that the reader may reach for `resource` (a list: what is out of reach is left out, not refused). */
export async function findContracts<A extends Prisma.ContractFindManyArgs>(
  db: DbTx,
  reader: Reader,
  resource: Resource,
  args: Prisma.SelectSubset<A, Prisma.ContractFindManyArgs>,
): Promise<Prisma.ContractGetPayload<A>[]> {
  const asked = args as Prisma.ContractFindManyArgs;
  const where: Prisma.ContractWhereInput = { AND: [asked.where ?? {}, reachWhere(reader, resource)] };
  return db.contract.findMany<A>({ ...asked, where } as Prisma.SelectSubset<A, Prisma.ContractFindManyArgs>);
}

/** Contracts by a query, for a step that holds its own right over all of them (a scheduled sweep): no reader check. */
export function findContractsForSystem<A extends Prisma.ContractFindManyArgs>(db: DbTx, args: Prisma.SelectSubset<A, Prisma.ContractFindManyArgs>) {
  return db.contract.findMany<A>(args);
}
