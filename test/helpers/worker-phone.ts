/** The worker's phone in HTTP tests: WebCrypto keys, the SMS outbox, and the signing steps. */
import { webcrypto } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../../src/runtime.ts';

export const phoneUserAgent = { 'user-agent': 'Mozilla/5.0 (Linux; Android 12; Redmi) Mobile' };

/** A 16×8 PNG with one diagonal stroke: the handwritten signature. */
export const signaturePng = `data:image/png;base64,${Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000010000000080806000000f0767f970000001549444154789c63606060f80fc51483518386ac41001ad00ff112dbe1720000000049454e44ae426082',
  'hex',
).toString('base64')}`;

export async function phoneKey() {
  const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const spki = Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)).toString('base64');
  return { keys, spki };
}

export function workerPhone(app: FastifyInstance, platform: Platform, worker: { name: string; idNumber: string; phone: string }) {
  const api = (token: string, step = '') => `/api/v1/signing/${token}${step}`;
  const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, payload: payload as object, headers: phoneUserAgent });
  const lastMessage = async () => (await platform.outbox.list({ phone: worker.phone, limit: 1 }))[0]!.text;
  const latestCode = async () => /验证码(\d{6})/.exec(await lastMessage())![1]!;
  const latestLink = async () => /\/s\/([A-Za-z0-9_-]+)/.exec(await lastMessage())![1]!;

  /** The steps the signing page takes; returns the completion response. */
  async function sign(token: string, options: { confirmations?: string[] } = {}) {
    await post(api(token, '/read'));
    const identity = await post(api(token, '/identity'), { name: worker.name, idNumber: worker.idNumber });
    if (identity.statusCode !== 200) throw new Error(identity.body);
    const { keys, spki } = await phoneKey();
    const prepared = await post(api(token, '/prepare'), {
      code: await latestCode(),
      publicKey: spki,
      signatureImage: signaturePng,
      intent: true,
      ...(options.confirmations ? { confirmations: options.confirmations } : {}),
    });
    if (prepared.statusCode !== 200) throw new Error(prepared.body);
    const signature = Buffer.from(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(prepared.json().signedAttributes, 'base64')));
    return post(api(token, '/complete'), { sessionId: prepared.json().sessionId, signature: signature.toString('base64') });
  }

  return { api, post, latestCode, latestLink, sign };
}

/** A contract of the template created, sealed, sent and signed through the link by its worker. */
export async function signedContract(
  app: FastifyInstance,
  platform: Platform,
  employer: Record<string, string>,
  templateId: string,
  fields: { worker: { name: string; idNumber: string; phone: string } } & Record<string, unknown>,
) {
  const created = await app.inject({ method: 'POST', url: '/api/v1/contracts', headers: employer, payload: { templateId, fields } });
  if (created.statusCode !== 201) throw new Error(created.body);
  const { id, number } = created.json() as { id: string; number: string };
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/seal`, headers: employer });
  await app.inject({ method: 'POST', url: `/api/v1/contracts/${id}/send`, headers: employer });
  const phone = workerPhone(app, platform, fields.worker);
  const signed = await phone.sign(await phone.latestLink());
  return { id, number, signed, phone };
}
