// Login security, second round: a guesser cannot keep the owner out (known devices have
// their own back-off), unknown and existing accounts take the same time whatever the cost of
// the stored hash, the longest e-mail addresses register and log in, and client text cannot
// forge log lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';

import { startDaemon, stopClean, withDaemon, Client, tmpDir, uniqueEmail, PASSWORD, candidateClient } from './lib/daemon.mjs';
import { assessorClient } from './lib/reliability.mjs';
import { makeExamsDir, finishedAttempt, FULL_MARKS } from './lib/reviews.mjs';

const DEVICE_COOKIE = 'ujikom_device';

function setCookies(r) {
  return r.headers.getSetCookie ? r.headers.getSetCookie() : [];
}

// The login back-off's flags: max failures per bucket, a 60 s first back-off, a 600 s window.
function backoffArgs(maxFailures, ...extra) {
  return ['--login-max-failures', String(maxFailures), '--login-backoff', '60',
    '--login-window', '600', ...extra];
}

async function register(base, email = uniqueEmail('kunci')) {
  const r = await new Client(base).register('Dewi Lestari', email, PASSWORD);
  assert.equal(r.status, 201, `register: ${r.status} ${r.text}`);
  return email;
}

test('a guesser cannot lock the owner out of a device that has logged in before', async () => {
  await withDaemon({ args: backoffArgs(3, '--login-backoff-max', '900') }, async (d) => {
    const email = await register(d.url);
    // The owner's browser logs in once and is remembered as a known device of this account.
    const owner = new Client(d.url);
    const first = await owner.login(email, PASSWORD);
    assert.equal(first.status, 200, first.text);
    const device = setCookies(first).find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
    assert.ok(device, 'a successful login hands out a device cookie');
    assert.match(device, /^ujikom_device=[A-Za-z0-9_-]{43};/);
    assert.match(device, /HttpOnly/);
    assert.match(device, /SameSite=Strict/);
    assert.match(device, /Max-Age=[1-9][0-9]{5,}/, 'the device cookie outlives the session');
    assert.equal((await owner.post('/api/auth/logout', {})).status, 200);
    assert.ok(owner.cookies.has(DEVICE_COOKIE), 'logging out keeps the device cookie');

    // Someone else (same address, as behind one NAT) guesses until the account backs off.
    const attacker = new Client(d.url);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await attacker.login(email, `Tebakan-${i}-Salah`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);

    // Unknown devices wait: a new browser, a made-up device cookie, another account's one.
    assert.equal((await new Client(d.url).login(email, PASSWORD)).status, 429, 'new browser');
    const forged = new Client(d.url);
    forged.cookies.set(DEVICE_COOKIE, 'A'.repeat(43));
    assert.equal((await forged.login(email, PASSWORD)).status, 429, 'made-up device cookie');
    const mallory = await register(d.url);
    const mc = new Client(d.url);
    assert.equal((await mc.login(mallory, PASSWORD)).status, 200);
    assert.ok(mc.cookies.has(DEVICE_COOKIE));
    mc.cookies.delete('ujikom_session');
    assert.equal((await mc.login(email, PASSWORD)).status, 429, "another account's device cookie");
    mc.cookies.set(DEVICE_COOKIE, `${'A'.repeat(42)}!`);
    assert.equal((await mc.login(email, PASSWORD)).status, 429, 'malformed device cookie');

    // The owner's known device gets in at once, during the attacker's back-off.
    const ok = await owner.login(email, PASSWORD);
    assert.equal(ok.status, 200, `owner during the back-off: ${ok.status} ${ok.text}`);
    assert.equal((await owner.get('/api/auth/me')).status, 200);
    // ... and that does not reset the shared bucket for the attacker.
    assert.equal((await attacker.login(email, 'Tebakan-lagi-Salah')).status, 429);
    // The owner can change the password from there too (same buckets as a login).
    const NEW_PASSWORD = 'Songket-Palembang-88';
    const changed = await owner.post('/api/auth/password', { current_password: PASSWORD, new_password: NEW_PASSWORD });
    assert.equal(changed.status, 200, `password change during the back-off: ${changed.text}`);
    owner.csrf = changed.json.csrf;
    assert.equal((await owner.post('/api/auth/logout', {})).status, 200);
    assert.equal((await owner.login(email, NEW_PASSWORD)).status, 200, 'the new password, known device');
    assert.equal((await new Client(d.url).login(email, NEW_PASSWORD)).status, 429, 'the new password, new browser');

    // The known device has its own small bucket: its own wrong passwords back off there.
    const ownerTypos = [];
    const phone = new Client(d.url);
    phone.cookies.set(DEVICE_COOKIE, owner.cookies.get(DEVICE_COOKIE));
    for (let i = 0; i < 4; i++) ownerTypos.push((await phone.login(email, `Salah-Ketik-${i}x`)).status);
    assert.deepEqual(ownerTypos, [401, 401, 401, 429], 'a known device is limited too');
    assert.equal((await phone.login(email, NEW_PASSWORD)).status, 429, 'its back-off holds the right password too');
  });
});

test('the per-address back-off does not shut out a known device either', async () => {
  await withDaemon({
    args: ['--login-ip-max-failures', '4', '--login-backoff', '60', '--login-window', '600'],
  }, async (d) => {
    const email = await register(d.url);
    const owner = new Client(d.url);
    assert.equal((await owner.login(email, PASSWORD)).status, 200);
    const sprayer = new Client(d.url);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await sprayer.login(uniqueEmail('semprot'), 'Kata-Sandi-Umum-1')).status);
    assert.deepEqual(statuses, [401, 401, 401, 401, 429], 'the address backs off');
    assert.equal((await new Client(d.url).login(email, PASSWORD)).status, 429, 'unknown device from that address waits');
    const ok = await owner.login(email, PASSWORD);
    assert.equal(ok.status, 200, `known device: ${ok.status} ${ok.text}`);
  });
});

test('the login page remembers the device as well', async () => {
  await withDaemon({ args: backoffArgs(2) }, async (d) => {
    const email = await register(d.url);
    const form = (c, password) => c.req('POST', '/login',
      new URLSearchParams({ email, password }).toString(),
      { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const browser = new Client(d.url);
    const first = await form(browser, PASSWORD);
    assert.equal(first.status, 303, first.text);
    assert.ok(browser.cookies.has(DEVICE_COOKIE), 'the page login sets the device cookie');
    browser.cookies.delete('ujikom_session');
    const attacker = new Client(d.url);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await form(attacker, `Tebakan-${i}-Salah`)).status);
    assert.deepEqual(statuses, [401, 401, 429], 'the guesser backs off');
    assert.equal((await form(new Client(d.url), PASSWORD)).status, 429, 'a new browser waits');
    const again = await form(browser, PASSWORD);
    assert.equal(again.status, 303, `the known browser gets in: ${again.status}`);
  });
});

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timedLogin(url, email) {
  const t0 = process.hrtime.bigint();
  const r = await new Client(url).login(email, 'Bukan-Sandinya-123');
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  assert.equal(r.status, 401, `${email}: ${r.status} ${r.text}`);
  return ms;
}

test('unknown and existing accounts take the same time at mixed hash costs', async () => {
  const dataDir = tmpDir();
  const LOW = 10;
  const HIGH = 15;
  try {
    // An account hashed at a low cost, then the cost raised (the documented way).
    const d1 = await startDaemon({ dataDir, kdfLog2n: LOW });
    const oldEmail = await register(d1.url);
    await stopClean(d1);
    const limits = ['--login-max-failures', '1000', '--login-ip-max-failures', '100000'];
    const d2 = await startDaemon({ dataDir, kdfLog2n: HIGH, args: limits });
    try {
      const newEmail = await register(d2.url);
      const times = { old: [], current: [], unknown: [] };
      await timedLogin(d2.url, oldEmail); // warm-up
      const N = 15;
      for (let i = 0; i < N; i++) {
        // Interleaved, so a burst of load elsewhere hits all three alike.
        times.old.push(await timedLogin(d2.url, oldEmail));
        times.current.push(await timedLogin(d2.url, newEmail));
        times.unknown.push(await timedLogin(d2.url, uniqueEmail('tidakada')));
      }
      const m = { old: median(times.old), current: median(times.current), unknown: median(times.unknown) };
      console.log(`median login ms at mixed costs (2^${LOW} stored, 2^${HIGH} configured): ` +
        `old-cost account ${m.old.toFixed(1)}, current-cost account ${m.current.toFixed(1)}, ` +
        `unknown ${m.unknown.toFixed(1)}`);
      // 2^10 against 2^15 is a factor of 32; equal work keeps the medians within 1.6x even on
      // a loaded machine.
      const lo = Math.min(m.old, m.current, m.unknown);
      const hi = Math.max(m.old, m.current, m.unknown);
      assert.ok(hi / lo < 1.6, `medians differ: ${JSON.stringify(m)}`);
    } finally {
      await stopClean(d2);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

// A valid address of exactly n bytes: a 64-byte local part and a domain of labels <= 63.
function longEmail(n, tag) {
  const local = `${tag}${Date.now()}`.padEnd(64, 'x');
  let domain = '';
  let rest = n - local.length - 1 - 3; // "@" and ".id"
  const labels = [];
  while (rest > 0) {
    const len = Math.min(63, rest - (rest > 63 ? 1 : 0));
    labels.push('d'.repeat(len));
    rest -= len + (rest > len ? 1 : 0);
  }
  domain = `${labels.join('.')}.id`;
  const email = `${local}@${domain}`;
  assert.equal(email.length, n, `built ${email.length} bytes`);
  return email;
}

test('addresses of 245 to 254 bytes register and log in; longer ones are a 4xx', async () => {
  await withDaemon({ args: backoffArgs(2, '--register-per-hour', '100') }, async (d) => {
    for (const n of [245, 250, 254]) {
      const email = longEmail(n, `p${n}`);
      const c = new Client(d.url);
      const reg = await c.register('Rina Wati', email, PASSWORD);
      assert.equal(reg.status, 201, `${n}: register ${reg.status} ${reg.text}`);
      const ok = await c.login(email, PASSWORD);
      assert.equal(ok.status, 200, `${n}: login ${ok.status} ${ok.text}`);
      assert.equal(ok.json.user.email, email);
      const upper = await new Client(d.url).login(email.toUpperCase(), PASSWORD);
      assert.equal(upper.status, 200, `${n}: upper case ${upper.status} ${upper.text}`);
      // The back-off works for them as for any other account.
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await new Client(d.url).login(email, `Salah-${i}-Sandi`)).status);
      assert.deepEqual(statuses, [401, 401, 429], `${n}: back-off`);
    }
    // Any length, registered or not: a 4xx, never a 5xx.
    for (const n of [253, 254, 255, 256, 300, 1000, 5000]) {
      const email = n <= 254 ? longEmail(n, `q${n}`) : `${'a'.repeat(n - 12)}@contoh.test`;
      const r = await new Client(d.url).login(email, 'Salah-Sandi-12345');
      assert.ok(r.status >= 400 && r.status < 500, `${n} bytes: ${r.status} ${r.text}`);
    }
  });
});

test('client text in a debug log line cannot forge another line', async () => {
  const examsDir = makeExamsDir();
  try {
    await withDaemon({ examsDir, logLevel: 'debug' }, async (d) => {
      const cand = await candidateClient(d);
      const asesor = await assessorClient(d, 'Asesor Log');
      const id = await finishedAttempt(cand);
      assert.equal((await asesor.post(`/api/reviews/${id}/claim`, {})).status, 200);
      const forged = 'U9\n2026-01-01T00:00:00.000Z ERROR [forged] PALSU\r\u0085\u001b[31m';
      const r = await asesor.post(`/api/reviews/${id}/decision`, {
        items: FULL_MARKS, overall: 'K', units: { [forged]: { outcome: 'K' } },
      });
      assert.equal(r.status, 400, r.text);
      const r2 = await asesor.req('POST', `/api/reviews/${id}/decision`,
        Buffer.concat([Buffer.from('{"overall":"K","items":{},"units":{"U'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('x":{}}}')]),
        { headers: { 'Content-Type': 'application/json' }, raw: true });
      assert.ok(r2.status >= 400 && r2.status < 500, r2.text);
      const out = d.output();
      const lines = out.split('\n');
      assert.ok(out.includes('U9\\x0a2026-01-01T00:00:00.000Z ERROR [forged] PALSU\\x0d'),
        `the key is logged, escaped:\n${out.slice(-3000)}`);
      assert.ok(!lines.some((l) => l.startsWith('2026-01-01T00:00:00.000Z')), 'no forged line');
      assert.ok(!lines.some((l) => /PALSU/.test(l) && !/\\x0a/.test(l)), 'no line that starts inside the key');
      assert.ok(!out.includes('\r'), 'no carriage return in the log');
      assert.ok(!out.includes('\u001b'), 'no escape character in the log');
      assert.ok(!out.includes('\u0085'), 'no C1 control in the log');
      // The harness decodes the log as UTF-8: a byte that is not would show as U+FFFD.
      assert.ok(!out.includes('\ufffd'), 'the log is valid UTF-8');
    });
  } finally {
    rmSync(examsDir, { recursive: true, force: true });
  }
});
