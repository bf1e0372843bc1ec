/**
 * The daily supervision run: every employer's roster and contracts through the supervision
 * engine, once a day, results kept as snapshots. Any number of service processes may run the
 * scheduler; a PostgreSQL advisory lock lets one of them do a given day and the others skip.
 */
import type { Db } from '../db/client.ts';
import type { LifecycleService } from '../services/lifecycle.ts';
import type { SupervisionService } from '../services/supervision.ts';
import { todayInShanghai } from '../domain/calendar.ts';

export interface DailyRunResult {
  asOf: string;
  /** False when another process holds the day's run. */
  ran: boolean;
  employers: number;
}

export class DailySupervision {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { db: Db; supervision: SupervisionService; lifecycle?: LifecycleService }) {}

  /** Runs the supervision for one day, unless another process is running it; idempotent. */
  async run(asOf: string): Promise<DailyRunResult> {
    const { db, supervision } = this.deps;
    return db.$transaction(
      async (tx) => {
        const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`select pg_try_advisory_xact_lock(hashtext(${'supervision:' + asOf})) as locked`;
        if (!lock?.locked) return { asOf, ran: false, employers: 0 };
        const organisations = await tx.organisation.findMany({ where: { kind: { not: 'platform' } } });
        for (const organisation of organisations) {
          const report = await supervision.report(organisation, asOf);
          const data = {
            headcount: report.headcount.active,
            required: report.signing.required,
            signed: report.signing.signed,
            alertCount: report.alerts.length,
            alerts: JSON.parse(JSON.stringify(report.alerts)) as object,
          };
          await tx.supervisionSnapshot.upsert({
            where: { organisationId_asOf: { organisationId: organisation.id, asOf: new Date(`${asOf}T00:00:00Z`) } },
            update: data,
            create: { organisationId: organisation.id, asOf: new Date(`${asOf}T00:00:00Z`), ...data },
          });
        }
        return { asOf, ran: true, employers: organisations.length };
      },
      { timeout: 10 * 60_000 },
    );
  }

  /**
   * Checks hourly (first a minute after start, not during start-up) whether today (China
   * time) has been run, and runs it when not. Each tick first sweeps the contract lifecycle
   * (expired links, ended terms), so the day's supervision sees the contracts as they stand.
   */
  start(intervalMs = 3_600_000, firstAfterMs = 60_000): void {
    const tick = async () => {
      await this.deps.lifecycle?.sweep();
      const today = todayInShanghai();
      const done = await this.deps.db.supervisionSnapshot.findFirst({ where: { asOf: new Date(`${today}T00:00:00Z`) }, select: { id: true } });
      if (!done) await this.run(today);
    };
    const schedule = () => {
      this.running = tick().catch(() => undefined);
    };
    this.timer = setTimeout(() => {
      schedule();
      this.timer = setInterval(schedule, intervalMs);
      this.timer.unref();
    }, firstAfterMs);
    this.timer.unref();
  }

  /** Stops scheduling and waits for a run in progress, so shutdown never cuts one off. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
