/**
 * Signing figures for the whole province, set-based in PostgreSQL (issue 24 item 2, in part):
 * per employer, county, city and province, per day, stored in SupervisionFigure. The database
 * does the work in one statement per level, so a bigger PostgreSQL makes it faster with no code
 * change. The figures are those of the supervision engine's signingRate and headcount
 * (src/domain/supervision/roster.ts), restated as SQL; test/services/supervision-figures.test.ts
 * holds the two against each other on a seeded province, so neither can drift alone.
 *
 * A run either recomputes every employer or only those named (the ones whose data changed);
 * the regional rows are always rebuilt from the employer rows of the day, which is cheap.
 */
import type { Db } from '../db/client.ts';
import { todayInShanghai } from '../domain/calendar.ts';

export interface FigureRun {
  asOf: string;
  employers: number;
  seconds: number;
}

/**
 * Per employer on $1 (of the organisations $2, or all when null): active roster lines, those
 * owed a written contract (not part-time, not dispatched in by another agency:
 * owesWrittenContract) and of those the ones bound by a labor
 * contract (bindsOn: effective, signed by the day in Beijing time, term not over), electronic
 * or registered on paper. A 内部退养协议 is no labor contract, whichever form records it.
 */
const employerFigures = `
  insert into "SupervisionFigure" ("asOf", level, key, "regionCode", headcount, required, signed, unsigned, employers)
  select $1::date, 'employer', o.id::text, o."regionCode", coalesce(f.headcount, 0), coalesce(f.required, 0), coalesce(f.signed, 0),
         coalesce(f.required, 0) - coalesce(f.signed, 0), 1
  from "Organisation" o
  left join lateral (
    select count(*)::int as headcount,
           count(*) filter (where r.owed)::int as required,
           count(*) filter (where r.owed and (
             exists (
               select 1 from "Contract" c
               join "TemplateVersion" t on t."templateId" = c."templateId" and t.version = c."templateVersion"
               where c."employerId" = o.id and c."workerId" = r."workerId" and c."previousId" is null
                 and t.kind <> 'internal_retirement' and c.status in ('signed', 'renewed', 'changed')
                 and (c."effectiveAt" is null or (c."effectiveAt" + interval '8 hours')::date <= $1::date)
                 and (c."endDate" is null or c."termType" <> 'fixed' or $1::date <= c."endDate"))
             or exists (
               select 1 from "PaperContract" p
               where p."organisationId" = o.id and p."workerId" = r."workerId" and p.kind <> 'internal_retirement'
                 and p."signedOn" <= $1::date
                 and (p."endDate" is null or p."termType" <> 'fixed' or $1::date <= p."endDate"))
           ))::int as signed
    from (
      select e."workerId",
             e."employmentForm" <> 'part_time' and not (e."employmentForm" = 'dispatch' and (e."agencyUscc" is null or e."agencyUscc" <> o.uscc)) as owed
      from "RosterEntry" e
      where e."organisationId" = o.id and e."hireDate" <= $1::date and (e."separationDate" is null or $1::date <= e."separationDate")
    ) r
  ) f on true
  where o.kind <> 'platform' and ($2::uuid[] is null or o.id = any($2::uuid[]))`;

export class SupervisionFigures {
  constructor(private readonly deps: { db: Db }) {}

  /** Recomputes the day's figures: of every employer, or only of `organisationIds`; then every region. */
  async run(asOf: string, organisationIds?: readonly string[]): Promise<FigureRun> {
    const started = performance.now();
    const day = new Date(`${asOf}T00:00:00Z`);
    const employers = await this.deps.db.$transaction(
      async (tx) => {
        // One run of a day at a time; a second caller waits for the first.
        await tx.$executeRaw`select pg_advisory_xact_lock(hashtext(${'supervision-figures:' + asOf}))`;
        await tx.supervisionFigure.deleteMany({ where: { asOf: day, level: 'employer', ...(organisationIds ? { key: { in: [...organisationIds] } } : {}) } });
        await tx.$executeRawUnsafe(employerFigures, asOf, organisationIds ? [...organisationIds] : null);
        await tx.supervisionFigure.deleteMany({ where: { asOf: day, level: { not: 'employer' } } });
        await tx.$executeRaw`
          insert into "SupervisionFigure" ("asOf", level, key, "regionCode", headcount, required, signed, unsigned, employers)
          select ${day}::date, g.level, g.code, g.code, sum(f.headcount)::int, sum(f.required)::int, sum(f.signed)::int, sum(f.unsigned)::int, count(*)::int
          from "SupervisionFigure" f
          cross join lateral (values ('county', f."regionCode"), ('city', left(f."regionCode", 4) || '00'), ('province', left(f."regionCode", 2) || '0000')) as g(level, code)
          where f."asOf" = ${day}::date and f.level = 'employer'
          group by g.level, g.code`;
        return organisationIds ? organisationIds.length : tx.supervisionFigure.count({ where: { asOf: day, level: 'employer' } });
      },
      { timeout: 30 * 60_000 },
    );
    return { asOf, employers, seconds: (performance.now() - started) / 1000 };
  }

  /** Today's figures (China time) unless stored: the hourly schedule's job, one run a day, so paging over a day's run stays stable. */
  async runIfDue(): Promise<FigureRun | null> {
    const today = todayInShanghai();
    const done = await this.deps.db.supervisionFigure.findFirst({ where: { asOf: new Date(`${today}T00:00:00Z`), level: 'province' }, select: { key: true } });
    return done ? null : this.run(today);
  }
}
