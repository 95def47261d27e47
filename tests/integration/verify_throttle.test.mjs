// A serial-guessing loop on the public verify form is throttled per client address,
// while signed QR tokens (which carry their own claims) are never limited.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, stopClean } from './lib/daemon.mjs';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function guess(i) {
  const g = () => Array.from({ length: 4 }, (_, k) => ALPHABET[(i * 7 + k * 13) % 32]).join('');
  return `UJK-${g()}-${g()}-${g()}-${g()}-0`;
}

test('guessing serials on /verify and /api/verify gets 429 with Retry-After', async (t) => {
  const d = await startDaemon({ args: ['--verify-lookups-per-hour', '5'] });
  t.after(async () => { await stopClean(d); d.cleanup(); });
  const statuses = [];
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${d.url}/verify?serial=${encodeURIComponent(guess(i))}`, { headers: { Accept: 'application/json' } });
    statuses.push(r.status);
    await r.arrayBuffer();
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200], 'the first look-ups are answered');
  const page = await fetch(`${d.url}/verify?serial=${encodeURIComponent(guess(6))}`);
  assert.equal(page.status, 429);
  assert.ok(Number(page.headers.get('retry-after')) > 0, 'Retry-After says when to come back');
  const api = await fetch(`${d.url}/api/verify`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ serial: guess(7) }),
  });
  assert.equal(api.status, 429);
  assert.equal((await api.json()).error, 'rate_limited');
  // A QR token is checked by its signature alone: never throttled.
  const qr = await fetch(`${d.url}/V/NOTAREALTOKEN`, { headers: { Accept: 'application/json' } });
  assert.equal(qr.status, 200);
  assert.equal((await qr.json()).verdict, 'not_genuine');
});
