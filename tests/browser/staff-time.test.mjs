// Staff pages in the viewer's time zone (issue 16): the audit-log viewer, the admin's
// attempt list and the review queue print each time in the zone the staff member chose
// (WIB until chosen), labelled, and never in UTC. The known times come from the JSON API
// (UTC, RFC 3339); the page must show the same instant shifted by 7, 8 or 9 hours.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, candidateClient, PASSWORD } from '../integration/lib/daemon.mjs';
import { newPage, assertAccessible, assertNoDialogs, daemonAndBrowser } from './lib/browser.mjs';

const env = daemonAndBrowser();
const OFFSETS = { WIB: 7, WITA: 8, WIT: 9 };

// "2026-11-22T08:00:37Z" in zone, as pages write it: "2026-11-22 15:00 WIB".
function local(iso, zone) {
  const t = new Date(new Date(iso).getTime() + OFFSETS[zone] * 3600_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())} ${zone}`;
}

test('audit viewer, attempt list and review queue in WIB, WITA and WIT', async () => {
  const { d } = env;
  const admin = await adminClient(d);
  // An open attempt (its deadline on /admin) and a submitted essay exam (waiting for an
  // assessor since it was submitted, on /review).
  const cand = await candidateClient(d, 'Dewi Lestari');
  const open = await cand.post('/api/exams/FSN-PBW-JR/attempts', {});
  assert.equal(open.status, 201, open.text);
  const essay = await cand.post('/api/exams/APL-JWD-JR/attempts', {});
  assert.equal(essay.status, 201, essay.text);
  assert.equal((await cand.post(`/api/attempts/${essay.json.id}/submit`, {})).status, 200);

  const audit = await admin.get('/api/admin/audit');
  assert.equal(audit.status, 200, audit.text);
  const newest = audit.json.items[0];
  const queue = await admin.get('/api/reviews/queue');
  const waiting = queue.json.items.find((e) => e.attempt_id === essay.json.id);
  assert.ok(waiting, 'the essay attempt waits for an assessor');

  const p = await newPage(env.browser, { width: 1280 });
  const { page } = p;
  await page.goto(`${d.url}/login`);
  await page.fill('#email', admin.email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/login"] button[type=submit]')]);

  for (const zone of ['WIB', 'WITA', 'WIT']) {
    if (zone !== 'WIB') {
      // The choice is on the staff pages themselves and brings the viewer back there.
      await page.goto(`${d.url}/admin`);
      await page.selectOption('#time-zone', zone);
      await Promise.all([page.waitForURL(/\/admin$/), page.click('form[action="/me/time-zone"] button[type=submit]')]);
    }
    await page.goto(`${d.url}/admin/audit`);
    const first = await page.locator('.table-wrap tbody tr').first().locator('td').nth(1).textContent();
    assert.equal(first, local(newest.at, zone), `audit entry #${newest.seq} in ${zone}`);
    assert.doesNotMatch(await page.locator('main table').textContent(), /UTC/, 'no UTC time in the audit table');

    await page.goto(`${d.url}/admin?aq=Dewi#s-attempts`);
    const row = page.locator('section:has(#s-attempts) tbody tr', { hasText: `#${open.json.id}` });
    assert.match(await row.textContent(), new RegExp(local(open.json.deadline_at, zone)), `deadline in ${zone}`);
    assert.equal(await page.locator('#time-zone').inputValue(), zone, 'the form shows the chosen zone');

    await page.goto(`${d.url}/review`);
    const q = page.locator('tbody tr', { hasText: `#${essay.json.id}` });
    assert.match(await q.textContent(), new RegExp(local(waiting.since, zone)), `queue time in ${zone}`);
    if (zone === 'WITA') await assertAccessible(page, `review queue with the zone form (${zone})`);
  }
  await page.goto(`${d.url}/admin`);
  await assertAccessible(page, 'admin page with the zone form');

  // The API takes the staff member's choice too; a zone that is not one is refused.
  assert.equal((await admin.put('/api/me/time-zone', { time_zone: 'WIB' })).status, 200);
  assert.equal((await admin.put('/api/me/time-zone', { time_zone: 'UTC' })).status, 400);
  await page.goto(`${d.url}/admin/audit`);
  assert.match(await page.locator('.table-wrap tbody tr').first().textContent(), / WIB/);
  // A form's way back is a local path only: anything else goes to the dashboard.
  const csrf = admin.csrf;
  const away = await admin.req('POST', '/me/time-zone', `csrf=${csrf}&time_zone=WIT&back=https://contoh.test/`,
    { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: d.url } });
  assert.equal(away.status, 303, away.text);
  assert.equal(away.headers.get('location'), '/me?zone=1');
  assertNoDialogs(p);
  await p.context.close();
});
