/**
 * One line for a failed start (busy port, unreachable database …) instead of a stack trace:
 * the operator needs to know what to change, not where in the code it was noticed.
 */

interface SystemError {
  code?: string;
  syscall?: string;
  address?: string;
  port?: number;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
}

export interface StartTargets {
  host: string;
  port: number;
  databaseUrl?: string | undefined;
  objectStore?: string | undefined;
}

const unreachable = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** The first system error (code + syscall) inside wrappers (AggregateError, `cause`). */
function systemErrorOf(error: unknown, depth = 0): SystemError | undefined {
  if (!error || typeof error !== 'object' || depth > 5) return undefined;
  const e = error as SystemError;
  if (typeof e.code === 'string' && (e.syscall || unreachable.has(e.code))) return e;
  for (const inner of [...(Array.isArray(e.errors) ? e.errors : []), e.cause]) {
    const found = systemErrorOf(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function hostPort(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('postgres') ? '5432' : parsed.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return undefined;
  }
}

export function describeStartFailure(error: unknown, targets: StartTargets): string {
  const e = systemErrorOf(error);
  if (e?.syscall === 'listen' || e?.code === 'EADDRINUSE') {
    const where = `${targets.host}:${targets.port}`;
    if (e.code === 'EADDRINUSE') return `port ${e.port ?? targets.port} on ${e.address ?? targets.host} is already in use (EADDRINUSE): stop the other process or set PORT`;
    if (e.code === 'EACCES') return `not permitted to listen on ${where} (EACCES): choose a PORT above 1023 or run with the right to bind it`;
    if (e.code === 'EADDRNOTAVAIL') return `HOST ${targets.host} is not an address of this machine (EADDRNOTAVAIL)`;
    return `cannot listen on ${where} (${e.code})`;
  }
  if (e?.code && unreachable.has(e.code)) {
    const at = e.address && e.port ? `${e.address}:${e.port}` : undefined;
    const database = hostPort(targets.databaseUrl);
    const store = hostPort(targets.objectStore);
    const matches = (target: string | undefined) => target && at && (target === at || target.endsWith(`:${e.port}`));
    if (matches(database) || (!at && database && !store)) return `the database (DATABASE_URL, ${database}) is unreachable (${e.code})`;
    if (matches(store)) return `the object store (MINIO_ENDPOINT, ${store}) is unreachable (${e.code})`;
    return `cannot reach ${at ?? 'a required service'} (${e.code})`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return (
    message
      .split('\n')
      .find((line) => line.trim())
      ?.trim() ?? 'unknown error'
  );
}
