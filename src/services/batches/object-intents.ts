/**
 * The ledger of objects batch attempts are about to store (ObjectIntent), and its sweep.
 *
 * A batch attempt writes its keys ahead (here and on its rows) before storing, and a retry that
 * takes the rows' lease removes them. But an attempt that lost its lease is still alive: it may
 * store more after the retry's cleanup and be killed before its own cleanup runs. Its intents
 * stay, and the sweep removes their objects once their attempt holds no lease (so it can never
 * record them: the fence) and a grace period has passed (so it is no longer storing). An intent
 * goes with its document's record, in the same transaction, so a recorded object is never swept.
 */
import type { Db, DbTx } from '../../db/client.ts';
import type { ObjectArchive } from '../../storage/archive.ts';
import { removeUnrecorded } from '../contract/documents.ts';

/** Before storing: the keys are on record with the attempt that will store them. */
export async function recordIntents(db: Db, attempt: string, keys: string[]): Promise<void> {
  if (!keys.length) return;
  await db.$executeRaw`insert into "ObjectIntent" (key, "attemptId") select unnest(${keys}::text[]), ${attempt}::uuid on conflict (key) do update set "attemptId" = excluded."attemptId", "createdAt" = now()`;
}

/** In the recording transaction: these objects now have their documents. */
export async function settleIntents(tx: DbTx, keys: string[]): Promise<void> {
  if (keys.length) await tx.$executeRaw`delete from "ObjectIntent" where key = any(${keys}::text[])`;
}

export class ObjectIntentSweep {
  constructor(private readonly deps: { db: Db; archive: ObjectArchive; graceSeconds: number }) {}

  /** Removes the objects of intents past the grace whose attempt holds no lease and that no document records; says how many intents it closed. */
  async run(graceSeconds = this.deps.graceSeconds): Promise<{ intents: number }> {
    const { db, archive } = this.deps;
    const before = new Date(Date.now() - graceSeconds * 1000);
    let closed = 0;
    let after = new Date(0);
    for (;;) {
      // An attempt still holding rows may yet record its objects: its intents wait.
      const stale = await db.$queryRaw<{ key: string; createdAt: Date }[]>`
        select i.key, i."createdAt" from "ObjectIntent" i
        where i."createdAt" <= ${before} and i."createdAt" >= ${after}
          and not exists (select 1 from "BatchRow" r where r."attemptId" = i."attemptId" and r.status = 'pending')
        order by i."createdAt", i.key limit 200`;
      if (!stale.length) return { intents: closed };
      after = stale[stale.length - 1]!.createdAt;
      const keys = stale.map((intent) => intent.key);
      await removeUnrecorded(db, archive, keys);
      // Only the intents read: one renewed meanwhile (same key, a new attempt) stays.
      for (const intent of stale) closed += (await db.objectIntent.deleteMany({ where: { key: intent.key, createdAt: intent.createdAt } })).count;
    }
  }
}
