/**
 * The archive scrub as a pg-boss schedule: one job per interval across all processes (pg-boss
 * creates one job per cron tick whatever the number of schedulers), run by any process's worker.
 * What a run checks: src/services/archive-scrub.ts.
 */
import type { ArchiveScrub } from '../services/archive-scrub.ts';
import type { JobQueue } from './queue.ts';

export const archiveScrubQueue = 'archive-scrub';
/** Hourly, off the hour; ARCHIVE_SCRUB_PERIOD_DAYS sets how much each run checks. */
export const archiveScrubCron = '23 * * * *';
export const archiveScrubIntervalMinutes = 60;

/** Schedules the scrub and works its jobs in this process. */
export async function startArchiveScrub(queue: JobQueue, scrub: ArchiveScrub): Promise<void> {
  await queue.schedule(archiveScrubQueue, archiveScrubCron);
  await queue.work(archiveScrubQueue, 1, async () => {
    await scrub.run();
  });
}
