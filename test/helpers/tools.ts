import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const found = new Map<string, boolean>();

/** True when an external command-line tool (pdfsig, qpdf, openssl, ...) is on PATH. */
export function hasTool(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    ok = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
    found.set(name, ok);
  }
  return ok;
}

/**
 * Options for a tap subtest that needs external tools: skipped with a message naming the
 * missing tool (CI installs them in .ci/run; a developer machine may not have them).
 */
export function needs(...tools: string[]): { skip?: string } {
  const missing = tools.filter((tool) => !hasTool(tool));
  return missing.length ? { skip: `needs ${missing.join(', ')} (apt-get install poppler-utils qpdf mupdf-tools libnss3-tools)` } : {};
}

/** Runs a tool and returns its exit status and output, never throwing. */
export function run(cmd: string, args: string[], input?: Uint8Array, env?: NodeJS.ProcessEnv) {
  const res = spawnSync(cmd, args, { input, env: env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  return { status: res.status, stdout: res.stdout?.toString() ?? '', stderr: res.stderr?.toString() ?? '' };
}

/**
 * Where page tests put their screenshots: an ignored folder (tests never change tracked files),
 * or docs/screens when `npm run screens` refreshes the documentation's pictures.
 */
export function screensDir(): string {
  const dir = path.resolve(import.meta.dirname, '../..', process.env.LABORSIGN_SCREENS_DIR ?? '.screens');
  mkdirSync(dir, { recursive: true });
  return dir;
}
