/**
 * The worker thread behind IsolatedVerifier (isolated.ts): verifies one PDF at a time. Status
 * lookups go back to the parent, which owns the database.
 */
import { parentPort } from 'node:worker_threads';
import type { StatusLookup } from './revocation.ts';
import { UnreadablePdfError, verifyPdf } from './verify.ts';
import type { FromThread, ToThread } from './isolated.ts';

const port = parentPort!;
const pendingLookups = new Map<number, (answer: Awaited<ReturnType<StatusLookup>>) => void>();
let lookups = 0;
const send = (message: FromThread) => port.postMessage(message);

port.on('message', (message: ToThread) => {
  if (message.type === 'lookup-answer') {
    pendingLookups.get(message.lookup)?.(message.answer);
    pendingLookups.delete(message.lookup);
    return;
  }
  const { job, pdf, trustAnchors, now } = message;
  const statusLookup: StatusLookup = (serialHex, issuerKeyIdHex) =>
    new Promise((resolve) => {
      const lookup = ++lookups;
      pendingLookups.set(lookup, resolve);
      send({ type: 'lookup', job, lookup, serialHex, issuerKeyIdHex });
    });
  verifyPdf(pdf, { trustAnchors, statusLookup, ...(now ? { now } : {}) }).then(
    (report) => send({ type: 'report', job, report }),
    (error: unknown) => send({ type: 'failed', job, unreadable: error instanceof UnreadablePdfError, message: error instanceof Error ? error.message : String(error) }),
  );
});

send({ type: 'ready' });
