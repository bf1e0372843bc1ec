/**
 * The daily supervision run: every employer's roster and contracts through the supervision
 * engine, once a day, results kept as snapshots. The job queue's hourly schedule asks for the
 * day's run until it is done; a PostgreSQL advisory lock lets one caller do a given day (an
 * admin's request and a scheduled job at once) and the others skip.
 */
import type { Db } from '../db/client.ts';
import type { SupervisionFigures } from './supervision-figures.ts';
import type { SupervisionService } from './supervision.ts';
import { todayInShanghai } from '../domain/calendar.ts';

export interface DailyRunResult {
  asOf: string;
  /** False when another process holds the day's run. */
  ran: boolean;
  employers: number;
}

export class DailySupervision {
  constructor(private readonly deps: { db: Db; supervision: SupervisionService; figures: SupervisionFigures }) {}

  /** Runs the supervision for one day, unless another process is running it; idempotent. */
  async run(asOf: string): Promise<DailyRunResult> {
    const { db, supervision, figures } = this.deps;
    // The set-based figures first: the overview reads them, and they finish at province scale.
    await figures.run(asOf);
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

  /** Today's run (China time) unless it is done: the hourly schedule's job, so a day missed while down is caught up. */
  async runIfDue(): Promise<DailyRunResult> {
    const today = todayInShanghai();
    const done = await this.deps.db.supervisionSnapshot.findFirst({ where: { asOf: new Date(`${today}T00:00:00Z`) }, select: { id: true } });
    if (done) return { asOf: today, ran: false, employers: 0 };
    return this.run(today);
  }
}
