import t from 'tap';
import { trimPerRequestWork, type S3rverInternals } from '../../src/infra/embedded-s3.ts';

/** A stand-in for s3rver's filesystem store that counts disk reads. */
function fakeServer() {
  const stored = new Map<string, { type: string; rules: string }>();
  const reads: string[] = [];
  const server: S3rverInternals = {
    middleware: [function logger() {}, function cors() {}],
    store: {
      async getSubresource(bucket, key, type) {
        reads.push(`${bucket}/${key ?? ''}/${type}`);
        return stored.get(`${bucket}/${key ?? ''}/${type}`) ?? null;
      },
      async putSubresource(bucket, key, resource) {
        stored.set(`${bucket}/${key ?? ''}/${resource.type}`, resource as { type: string; rules: string });
      },
      async deleteSubresource(bucket, key, type) {
        stored.delete(`${bucket}/${key ?? ''}/${type}`);
      },
      async deleteBucket(bucket) {
        for (const entry of [...stored.keys()]) if (entry.startsWith(`${bucket}/`)) stored.delete(entry);
      },
    },
  };
  return { server, reads };
}

t.test('embedded S3: a bucket configuration is read from disk once, and read again after it changes', async (t) => {
  const { server, reads } = fakeServer();
  trimPerRequestWork(server);
  t.same(server.middleware.map((fn) => fn.name), ['cors'], 'the silent request logger is gone');

  t.equal(await server.store.getSubresource('contracts', undefined, 'cors'), null);
  t.equal(await server.store.getSubresource('contracts', undefined, 'cors'), null);
  t.equal(reads.length, 1, 'the second request is answered from memory');

  await server.store.putSubresource('contracts', undefined, { type: 'cors', rules: 'allow *' } as { type: string });
  t.same(await server.store.getSubresource('contracts', undefined, 'cors'), { type: 'cors', rules: 'allow *' }, 'a new configuration is seen at once');
  await server.store.deleteSubresource('contracts', undefined, 'cors');
  t.equal(await server.store.getSubresource('contracts', undefined, 'cors'), null, 'a deleted configuration is gone at once');

  await server.store.putSubresource('contracts', undefined, { type: 'website', rules: 'index' } as { type: string });
  t.ok(await server.store.getSubresource('contracts', undefined, 'website'));
  await server.store.deleteBucket('contracts');
  t.equal(await server.store.getSubresource('contracts', undefined, 'website'), null, 'a deleted bucket takes its configurations along');

  const before = reads.length;
  await server.store.getSubresource('contracts', 'a/key.pdf', 'acl');
  await server.store.getSubresource('contracts', 'a/key.pdf', 'acl');
  t.equal(reads.length, before + 2, 'per-object resources are never cached');
});
