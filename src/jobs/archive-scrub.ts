/**
 * When the archive scrub runs: an hourly pg-boss schedule (one entry of src/background.ts), one
 * job per tick across all processes. What a run checks: src/services/archive-scrub.ts.
 */
export const archiveScrubQueue = 'archive-scrub';
/** Hourly, off the hour; ARCHIVE_SCRUB_PERIOD_DAYS sets how much each run checks. */
export const archiveScrubCron = '23 * * * *';
export const archiveScrubIntervalMinutes = 60;
