// One message catalogue (issue 16, point 11): the JSON API keeps its `error` codes and
// gives a `message` from the catalogue in the reader's language (the lang cookie, else
// Indonesian for our own pages' requests, else Accept-Language, else English), a stable
// `reason` where a validator says why (password policy verdicts, the field a check names)
// and the exact English `detail`; pages show the catalogue's text in the page's language,
// never an English server sentence inside the Indonesian UI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startDaemon, candidateClient, adminClient, uniqueEmail, PASSWORD, SOURCE_DIR } from './lib/daemon.mjs';
import { makeExamsDir, finishedAttempt } from './lib/reviews.mjs';

const ID = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'service/web/i18n/id.json'), 'utf8'));
const EN = JSON.parse(readFileSync(path.join(SOURCE_DIR, 'service/web/i18n/en.json'), 'utf8'));

let d;
before(async () => { d = await startDaemon(); });
after(async () => { if (d) { await d.stop(); d.cleanup(); } });

async function register(body, headers = {}) {
  const r = await fetch(`${d.url}/api/auth/register`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}
const weak = () => ({ name: 'Rina Marlina', email: uniqueEmail('msg'), password: 'pendek' });

test('a weak password: the reason code, the message in the reader\'s language, the English detail', async () => {
  const id = await register(weak(), { 'Accept-Language': 'id-ID,id;q=0.9,en;q=0.8' });
  assert.equal(id.status, 400);
  assert.equal(id.json.error, 'weak_password');
  assert.equal(id.json.reason, 'too_short');
  assert.equal(id.json.message, ID['reason.weak_password.too_short']);
  assert.match(id.json.detail, /password too short/);

  // In English the message is the exact sentence the policy gives.
  const en = await register(weak(), { 'Accept-Language': 'en-GB,en;q=0.9' });
  assert.equal(en.json.error, 'weak_password');
  assert.equal(en.json.reason, 'too_short');
  assert.equal(en.json.message, en.json.detail);
  assert.match(en.json.message, /^password too short/);

  // The cookie (the language the person chose) wins over the browser's header.
  const cookie = await register(weak(), { 'Accept-Language': 'en', Cookie: 'lang=id' });
  assert.equal(cookie.json.message, ID['reason.weak_password.too_short']);
  // A request from one of our pages without the cookie: the pages' default, Indonesian.
  const ours = await register(weak(), { 'Accept-Language': 'en-US', 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(ours.json.message, ID['reason.weak_password.too_short']);
  // An API client that names neither language reads English.
  for (const al of ['*', 'fr-FR', undefined]) {
    const r = await register(weak(), al ? { 'Accept-Language': al } : {});
    assert.match(r.json.message, /^password too short/, String(al));
  }
});

test('field checks: a reason named by the field, never the English sentence in Indonesian', async () => {
  const r = await register({ name: '', email: uniqueEmail('msg'), password: PASSWORD }, { 'Accept-Language': 'id' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error, 'invalid_field');
  assert.equal(r.json.reason, 'name');
  assert.equal(r.json.message, ID['reason.invalid_field.name']);
  assert.match(r.json.detail, /^name: /);

  // A field without a sentence of its own: the template with the field's name.
  const a = await adminClient(d);
  const list = await a.get('/api/admin/attempts?status=nope', { headers: { 'Accept-Language': 'id' } });
  assert.equal(list.status, 400);
  assert.equal(list.json.reason, 'status');
  assert.equal(list.json.message, ID['err.invalid_field_field'].replace('{field}', ID['field.status']));
  const listEn = await a.get('/api/admin/attempts?status=nope', { headers: { 'Accept-Language': 'en' } });
  assert.equal(listEn.json.message, listEn.json.detail, 'in English the exact sentence');

  // Errors without a reason: the catalogue's text for the code, in both languages.
  const c = await candidateClient(d);
  for (const [lang, cat] of [['id', ID], ['en', EN]]) {
    const nf = await c.get('/api/attempts/999999', { headers: { 'Accept-Language': lang } });
    assert.equal(nf.json.error, 'attempt_not_found');
    assert.equal(nf.json.message, cat['err.attempt_not_found'], lang);
    assert.equal(nf.json.reason, undefined);
  }
});

test('pages: the error page speaks the page\'s language', async () => {
  const form = (pw, lang) => fetch(`${d.url}/register`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', ...(lang ? { Cookie: `lang=${lang}` } : {}) },
    body: new URLSearchParams({ name: 'Rina Marlina', email: uniqueEmail('page'), password: pw }).toString(),
  }).then(async (r) => ({ status: r.status, text: await r.text() }));
  const id = await form('pendek');
  assert.equal(id.status, 400);
  assert.ok(id.text.includes(ID['reason.weak_password.too_short']), 'the Indonesian reason is on the page');
  assert.doesNotMatch(id.text, /password too short/i);
  const en = await form('pendek', 'en');
  assert.ok(en.text.includes(EN['reason.weak_password.too_short']), 'the English reason is on the page');
});

test('staff pages name item types and verdicts in words, not raw codes', async () => {
  const examsDir = makeExamsDir();
  const rd = await startDaemon({ examsDir });
  try {
    const cand = await candidateClient(rd);
    const id = await finishedAttempt(cand);
    const assessor = await adminClient(rd, { name: 'Asesor Uji' });
    const page = await assessor.get(`/review/${id}`, { headers: { Accept: 'text/html' } });
    assert.equal(page.status, 200, page.text.slice(0, 300));
    assert.ok(page.text.includes(ID['exam.type_open']), 'the essay is labelled in Indonesian');
    assert.doesNotMatch(page.text, /· (single|multiple|truefalse|numeric|short|ordering|open)</, 'no raw type code');
    assert.doesNotMatch(page.text, />[^<]*PENDING[^<]*</, 'no raw verdict code');
  } finally {
    await rd.stop();
    rd.cleanup();
  }
});
