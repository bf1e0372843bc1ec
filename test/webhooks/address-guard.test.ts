/** The webhook SSRF guard: refused ranges (IPv4, IPv6, IPv4-mapped), the allowlist, and names whose answers change. */
import t from 'tap';
import { Allowlist, isRefusedAddress, resolveTarget, type Resolver } from '../../src/webhooks/address-guard.ts';

t.test('refused and public addresses', async (t) => {
  for (const address of [
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fc00::1',
    'fd12::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:a00:1',
    '64:ff9b::a00:1',
  ]) {
    t.ok(isRefusedAddress(address), `${address} refused`);
  }
  for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) t.notOk(isRefusedAddress(address), `${address} public`);
});

t.test('a name is refused if any of its addresses is private; the allowlist admits hosts and ranges', async (t) => {
  const answers: Record<string, string[]> = { 'mixed.example': ['93.184.216.34', '127.0.0.1'], 'public.example': ['93.184.216.34'], 'hr.internal': ['10.20.0.5'] };
  const resolver: Resolver = async (host) => (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const none = new Allowlist([]);
  await t.rejects(resolveTarget(new URL('http://mixed.example/'), none, resolver), { name: 'Error', rule: 'private_address' } as object as Error);
  t.same(await resolveTarget(new URL('https://public.example/'), none, resolver), { address: '93.184.216.34', family: 4 });
  await t.rejects(resolveTarget(new URL('http://hr.internal/'), none, resolver), { name: 'Error', rule: 'private_address' } as object as Error);
  t.same(await resolveTarget(new URL('http://hr.internal/'), new Allowlist(['hr.internal']), resolver), { address: '10.20.0.5', family: 4 });
  t.same(await resolveTarget(new URL('http://hr.internal/'), new Allowlist(['10.20.0.0/16']), resolver), { address: '10.20.0.5', family: 4 });
  await t.rejects(resolveTarget(new URL('http://nowhere.example/'), none, resolver), { name: 'Error', rule: 'unresolvable' } as object as Error);
});

t.test('DNS rebinding: the delivery-time check sees the new answer and refuses it', async (t) => {
  let calls = 0;
  const rebinding: Resolver = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
  const url = new URL('http://rebind.example/hook');
  t.same(await resolveTarget(url, new Allowlist([]), rebinding), { address: '93.184.216.34', family: 4 }, 'public at registration');
  await t.rejects(
    resolveTarget(url, new Allowlist([]), rebinding),
    { name: 'Error', rule: 'private_address' } as object as Error,
    'loopback at delivery: refused, and the sender connects only to the address checked',
  );
});
