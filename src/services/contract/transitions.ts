/**
 * A contract's state changes: the event is checked by the pure state machine
 * (src/domain/contract-lifecycle.ts) and the row moves under an optimistic lock on its revision,
 * so of two concurrent steps on one contract exactly one wins.
 */
import type { DbTx, Prisma } from '../../db/client.ts';
import { allowedEvents, nextState, type ContractEvent, type ContractState } from '../../domain/contract-lifecycle.ts';
import type { ContractStatus } from '../../generated/prisma/client.ts';
import { Problem } from '../../problem.ts';

/** The state `event` leads to from `state`; a refused event is a 409 naming the state and the rule. */
export function requireTransition(state: string, event: ContractEvent): ContractState {
  const result = nextState(state as ContractState, event);
  if (!result.ok) {
    // The steps the contract can take instead, each with the route that asks for it.
    const next = allowedEvents(state as ContractState).map((allowed) => ({ event: allowed, route: EVENT_ROUTES[allowed] }));
    const detail = `The contract is ${state}: ${result.reason}.${next.length ? ` Next: ${next.map((n) => `${n.event} by ${n.route}`).join('; ')}.` : ''}`;
    throw new Problem(409, 'conflict', 'Conflict', detail, [{ field: 'status', rule: `transition_${event}`, message: result.reason }], { next });
  }
  return result.state;
}

/** Where each step of a contract is asked for, so a refusal names the route of the steps allowed instead. */
const EVENT_ROUTES: Record<ContractEvent, string> = {
  seal: 'POST /api/v1/contracts/{id}/seal',
  send: 'POST /api/v1/contracts/{id}/send',
  resend: 'POST /api/v1/contracts/{id}/send',
  open: 'GET /api/v1/signing/{token} (the worker’s link)',
  sign: 'POST /api/v1/signing/{token}/complete (the worker)',
  decline: 'POST /api/v1/signing/{token}/decline (the worker)',
  void: 'POST /api/v1/contracts/{id}/void',
  terminate: 'POST /api/v1/contracts/{id}/terminate',
  renew: 'POST /api/v1/contracts/{id}/attachments (a 续订书 the worker signs)',
  change: 'POST /api/v1/contracts/{id}/attachments (a 变更书 the worker signs)',
  expire_link: 'the hourly lifecycle sweep (POST /api/v1/admin/lifecycle/sweep)',
  expire_term: 'the hourly lifecycle sweep (POST /api/v1/admin/lifecycle/sweep)',
};

/**
 * Moves a loaded contract to `next` (with `data`) if nobody moved it since it was read;
 * otherwise `whenChanged`, a 409 detail or the problem itself (a worker's, in Chinese).
 * `sameStatus` also requires the status it was read in.
 */
export async function moveContract(
  tx: DbTx,
  contract: { id: string; revision: number; status: ContractStatus },
  next: ContractState,
  options: { whenChanged: string | Problem; data?: Prisma.ContractUpdateManyMutationInput; sameStatus?: boolean },
): Promise<void> {
  const where = { id: contract.id, revision: contract.revision, ...(options.sameStatus ? { status: contract.status } : {}) };
  const updated = await tx.contract.updateMany({ where, data: { ...options.data, status: next, revision: { increment: 1 } } });
  if (updated.count !== 1) throw typeof options.whenChanged === 'string' ? Problem.conflict(options.whenChanged) : options.whenChanged;
}

/** Like moveContract, but false (nothing moved) when another process moved the contract first. */
export async function tryMoveContract(tx: DbTx, contract: { id: string; revision: number }, next: ContractState, data: Prisma.ContractUpdateManyMutationInput = {}): Promise<boolean> {
  const moved = await tx.contract.updateMany({ where: { id: contract.id, revision: contract.revision }, data: { ...data, status: next, revision: { increment: 1 } } });
  return moved.count === 1;
}
