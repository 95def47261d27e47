// The page routes over plain HTTP: static assets and their caching, the language switch's
// redirect rules, roles and ownership on pages, that the exam page carries no answer key,
// and the no-JavaScript forms that hand their fields to the JSON API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  startDaemon, Client, candidateClient, adminClient, uniqueEmail, PASSWORD, EXAMS_DIR,
} from '../integration/lib/daemon.mjs';

let d;
before(async () => { d = await startDaemon(); });
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

// A urlencoded form post with the session's CSRF token, as a browser sends it.
function form(c, p, fields) {
  const body = new URLSearchParams({ csrf: c.csrf || '', ...fields }).toString();
  return c.req('POST', p, body, {
    raw: true,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: d.url },
  });
}

test('static assets: content types, ETag revalidation, long caching only for versioned links', async () => {
  const c = new Client(d.url);
  const home = await c.get('/');
  const href = home.text.match(/href="(\/static\/app\.css\?v=[0-9a-f]{16})"/);
  assert.ok(href, 'the page links the stylesheet with a content version');
  const css = await c.get(href[1]);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type'), /^text\/css/);
  assert.match(css.headers.get('cache-control'), /max-age=86400/);
  const plain = await c.get('/static/app.css');
  assert.match(plain.headers.get('cache-control'), /max-age=3600/);
  const etag = plain.headers.get('etag');
  // fetch asks for gzip, as browsers do: the compressed copy has its own entity tag
  assert.match(etag, /^"[0-9a-f]{16}-gz"$/);
  assert.equal(plain.headers.get('content-encoding'), 'gzip');
  const again = await c.get('/static/app.css', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  const js = await c.get('/static/exam.js');
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  for (const p of ['/static/nope.css', '/static/../i18n/id.json', '/static/%2e%2e/i18n/id.json',
    '/static/', '/static/app.css/x']) {
    const r = await c.get(p);
    assert.ok([400, 404].includes(r.status), `${p} is not served (got ${r.status})`);
  }
});

test('the language switch sets a remembered cookie and only returns to local paths', async () => {
  const c = new Client(d.url);
  const cases = [['/me', '/me'], ['//evil.example/x', '/'], ['https://evil.example', '/'],
    ['/\\evil.example', '/'], ['', '/']];
  for (const [back, want] of cases) {
    const r = await c.get(`/lang?to=en&back=${encodeURIComponent(back)}`);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get('location'), want, `back=${back}`);
  }
  assert.match(r0(await c.get('/lang?to=en&back=/')), /lang=en/);
  assert.match(r0(await new Client(d.url).get('/lang?to=en&back=/')), /Max-Age=31536000/);
  const page = await c.get('/');
  assert.match(page.text, /<html lang="en">/);
  assert.equal((await c.get('/lang?to=fr&back=/')).status, 400);
  function r0(r) { return r.headers.get('set-cookie') || ''; }
});

test('pages need the right role and show nobody else\'s attempt', async () => {
  const anon = new Client(d.url);
  const me = await anon.get('/me');
  assert.equal(me.status, 303);
  assert.equal(me.headers.get('location'), '/login');
  const a = await candidateClient(d, 'Ani Lestari');
  const b = await candidateClient(d, 'Bayu Pratama');
  assert.equal((await a.get('/admin')).status, 403);
  assert.equal((await a.get('/review')).status, 403);
  const start = await form(a, '/exams/FSN-PBW-JR/start', {});
  assert.equal(start.status, 303);
  const where = start.headers.get('location');
  assert.match(where, /^\/attempts\/\d+$/);
  const mine = await a.get(where);
  assert.equal(mine.status, 200);
  assert.match(mine.headers.get('content-type'), /^text\/html/);
  assert.match(mine.text, /<meta name="referrer" content="same-origin">/);
  const theirs = await b.get(where);
  assert.equal(theirs.status, 404, 'another candidate gets the same 404 as for a missing attempt');
  assert.equal((await b.get('/attempts/987654')).status, 404);
  const save = await form(b, `${where}/save`, { q1: 'a' });
  assert.equal(save.status, 404);
  // Starting again resumes the open attempt instead of failing.
  const again = await form(a, '/exams/FSN-PBW-JR/start', {});
  assert.equal(again.headers.get('location'), where);
});

test('the exam page carries no answer key, explanation or rubric points', async () => {
  const exam = YAML.parse(readFileSync(path.join(EXAMS_DIR, readdirSync(EXAMS_DIR).find((f) => f.startsWith('fsn-'))), 'utf8'));
  const c = await candidateClient(d, 'Citra Dewi');
  const start = await form(c, `/exams/${exam.id}/start`, {});
  const page = await c.get(start.headers.get('location'));
  assert.equal(page.status, 200);
  const html = page.text;
  const shown = [...html.matchAll(/<fieldset class="item" id="item-([A-Z0-9-]+)"/g)].map((m) => m[1]);
  assert.ok(shown.length > 10, 'items are on the page');
  const items = new Map();
  for (const u of exam.units) for (const p of u.pools ?? []) for (const it of p.items) items.set(it.id, it);
  const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const text = unescape(html);
  for (const id of shown) {
    const it = items.get(id);
    assert.ok(it, `item ${id} is from this exam`);
    if (it.explanation) assert.ok(!text.includes(it.explanation.trim()), `${id}: explanation leaked`);
    if (it.type === 'short') {
      for (const a of it.answer) {
        if (!it.prompt.includes(a)) assert.ok(!text.includes(`value="${a}"`), `${id}: accepted answer leaked`);
      }
    }
    if (it.type === 'open') {
      for (const r of it.rubric) assert.ok(!new RegExp(`max_points|data-max="${r.max_points}"`).test(html), `${id}: rubric points leaked`);
    }
    if (it.type === 'single' || it.type === 'multiple') {
      assert.ok(!/data-(key|correct|answer)/.test(html), 'no key attributes');
    }
  }
  assert.ok(!/"answer"|"tolerance"|"accepted"/.test(html), 'no key fields in any JSON block');
});

test('no-JavaScript forms hand their fields to the JSON API (same rules, same answers)', async () => {
  const admin = await adminClient(d);
  const email = uniqueEmail('asesor');
  const created = await form(admin, '/admin/users', { name: 'Asesor Baru', email, password: PASSWORD, role: 'assessor' });
  assert.ok([200, 201].includes(created.status), `created: ${created.status} ${created.text}`);
  assert.equal(created.json?.user?.email ?? created.json?.email, email);
  const dup = await form(admin, '/admin/users', { name: 'Asesor Baru', email, password: PASSWORD, role: 'assessor' });
  assert.equal(dup.status, 409, 'the API\'s rule (unique e-mail) applies to the form too');
  // "#" marks integers: a non-number stays text and the API refuses it.
  const bad = await form(admin, '/admin/attempts/1/extra-time', { '#minutes': 'sepuluh', reason: 'x' });
  assert.ok([400, 404, 409].includes(bad.status), `bad minutes refused (${bad.status})`);
  // Extra time through the admin page's form moves the candidate's deadline.
  const cand = await candidateClient(d, 'Eka Putri');
  const start = await form(cand, '/exams/KLN-JMK-JR/start', {});
  const attemptId = start.headers.get('location').split('/').pop();
  const before = (await cand.get(`/api/attempts/${attemptId}`)).json.remaining_seconds;
  const extra = await form(admin, `/admin/attempts/${attemptId}/extra-time`, { '#minutes': '15', reason: 'Penyesuaian wajar: pemadaman listrik di TUK.' });
  assert.equal(extra.status, 200, `extra time: ${extra.text}`);
  const afterExtra = (await cand.get(`/api/attempts/${attemptId}`)).json.remaining_seconds;
  assert.ok(afterExtra >= before + 15 * 60 - 5, `deadline moved by 15 minutes (${before} -> ${afterExtra})`);
  const adminPage = await admin.get('/admin');
  assert.match(adminPage.text, new RegExp(`action="/admin/attempts/${attemptId}/extra-time"`));
  // Without the CSRF token the form is refused before any handler runs.
  const noCsrf = await admin.req('POST', '/admin/users', new URLSearchParams({ name: 'X', email: uniqueEmail('x'), password: PASSWORD }).toString(), {
    raw: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: d.url, 'X-CSRF-Token': '' },
  });
  assert.equal(noCsrf.status, 403);
});
