/**
 * A contract's state changes: the event is checked by the pure state machine
 * (src/domain/contract-lifecycle.ts) and the row moves under an optimistic lock on its revision,
 * so of two concurrent steps on one contract exactly one wins.
 */
import type { DbTx, Prisma } from '../../db/client.ts';
import { nextState, type ContractEvent, type ContractState } from '../../domain/contract-lifecycle.ts';
import type { ContractStatus } from '../../generated/prisma/client.ts';
import { Problem } from '../../problem.ts';

/** The state `event` leads to from `state`; a refused event is a 409 naming the state and the rule. */
export function requireTransition(state: string, event: ContractEvent): ContractState {
  const result = nextState(state as ContractState, event);
  if (!result.ok) throw Problem.conflict(`The contract is ${state}: ${result.reason}`, [{ field: 'status', rule: `transition_${event}`, message: result.reason }]);
  return result.state;
}

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
