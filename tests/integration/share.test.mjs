// Public credential URLs (issue 17, delivery to the holder): the holder alone makes and ends
// the URL of a certificate (JSON API and the page forms, both behind CSRF), each change is
// audited without the token, the URL shows the certificate with its live verdict, and once
// ended it is 404 for good; a suspended certificate keeps its URL but gets no new one; tokens
// that are not one are 404 too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDaemon, adminClient, candidateClient, stopClean, Client,
} from './lib/daemon.mjs';
import { certify, objectiveExamsDir } from './lib/certify.mjs';

const EXAM = 'UJI-BAGI-JR';
let d;
before(async () => { d = await startDaemon({ examsDir: objectiveExamsDir(EXAM) }); });
after(async () => { await stopClean(d); d.cleanup(); });

// A plain form post (as a browser without JavaScript sends it); token: the header the
// client would otherwise add from its session.
const form = (token) => ({
  headers: {
    'Content-Type': 'application/x-www-form-urlencoded', Origin: d.url, Accept: 'text/html',
    ...(token ? { 'X-CSRF-Token': token } : {}),
  },
  raw: true,
});

test('the holder makes, reuses and ends the public URL; nobody else can', async () => {
  const holder = await candidateClient(d, 'Rahmat Hidayat');
  const other = await candidateClient(d, 'Sari Wulandari');
  const admin = await adminClient(d);
  const serial = await certify(holder, EXAM);

  // Not yours, not a serial, no session, no CSRF token: refused, nothing made.
  assert.equal((await other.post(`/api/certificates/${serial}/share`)).status, 404);
  assert.equal((await other.post('/api/certificates/UJK-0000-0000-0000-0000-0/share')).status, 404);
  assert.equal((await other.post('/api/certificates/bukan-nomor/share')).status, 404);
  assert.equal((await new Client(d.url).post(`/api/certificates/${serial}/share`)).status, 401);
  assert.equal((await admin.post(`/api/certificates/${serial}/share`)).status, 403, 'only the holder shares');
  const noCsrf = await holder.post(`/api/certificates/${serial}/share`, {}, { headers: { 'X-CSRF-Token': 'x' } });
  assert.equal(noCsrf.status, 403, noCsrf.text);
  const noForm = await holder.req('POST', `/me/certificates/${serial}/share`, 'csrf=salah', form('salah'));
  assert.equal(noForm.status, 403, 'the page form needs the session CSRF token');
  assert.equal((await holder.del(`/api/certificates/${serial}/share`)).status, 404, 'nothing to end yet');

  const made = await holder.post(`/api/certificates/${serial}/share`);
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.serial, serial);
  const m = new RegExp(`^${d.url}/c/([A-Za-z0-9_-]{43})$`).exec(made.json.url);
  assert.ok(m, `an unguessable URL under the public URL: ${made.json.url}`);
  const tokens = [m[1]];
  let token = m[1];
  const again = await holder.post(`/api/certificates/${serial}/share`);
  assert.equal(again.status, 200, 'sharing again keeps the same URL');
  assert.equal(again.json.url, made.json.url);

  // Anyone with the URL sees the certificate and its live verdict, in both languages.
  const anon = new Client(d.url);
  let page = await anon.get(`/c/${token}`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.text, /ASLI/);
  assert.match(page.text, /Rahmat Hidayat/);
  assert.ok(page.text.includes(serial));
  assert.equal(page.headers.get('x-robots-tag'), 'noindex');
  const json = await anon.get(`/c/${token}`, { headers: { Accept: 'application/json' } });
  assert.equal(json.json.verdict, 'genuine', json.text);

  // The verdict is live: suspended by the admin, the same URL says so.
  const susp = await admin.post(`/api/certificates/${serial}/suspend`, { reason: 'Pemeriksaan berkas' });
  assert.equal(susp.status, 200, susp.text);
  page = await anon.get(`/c/${token}`, { headers: { Accept: 'application/json' } });
  assert.equal(page.json.verdict, 'suspended');
  // While suspended the URL stays, but a stopped one is not made again.
  assert.equal((await holder.post(`/api/certificates/${serial}/share`)).status, 200, 'the existing URL');
  assert.equal((await holder.del(`/api/certificates/${serial}/share`)).status, 200);
  const refused = await holder.post(`/api/certificates/${serial}/share`);
  assert.equal(refused.status, 409, refused.text);
  assert.equal(refused.json.error, 'cert_not_valid');
  const refusedPage = await holder.req('POST', `/me/certificates/${serial}/share`, `csrf=${encodeURIComponent(holder.csrf)}`, form());
  assert.equal(refusedPage.status, 409);
  assert.match(refusedPage.text, /tidak dapat dibagikan/);
  assert.equal((await admin.post(`/api/certificates/${serial}/reinstate`, { reason: 'Berkas lengkap' })).status, 200);
  const back = await holder.post(`/api/certificates/${serial}/share`);
  assert.equal(back.status, 201, 'valid again: a new URL');
  token = new RegExp(`/c/([A-Za-z0-9_-]{43})$`).exec(back.json.url)[1];
  tokens.push(token);

  // Another candidate cannot end it; the holder can, and the URL is gone for good.
  assert.equal((await other.del(`/api/certificates/${serial}/share`)).status, 404);
  assert.equal((await anon.get(`/c/${token}`)).status, 200);
  const ended = await holder.del(`/api/certificates/${serial}/share`);
  assert.equal(ended.status, 200, ended.text);
  assert.deepEqual(ended.json, { serial, shared: false });
  const gone = await anon.get(`/c/${token}`, { headers: { Accept: 'text/html' } });
  assert.equal(gone.status, 404);
  assert.match(gone.text, /Tautan tidak berlaku/);

  // Sharing again makes a new URL; the old one stays dead.
  const fresh = await holder.post(`/api/certificates/${serial}/share`);
  assert.equal(fresh.status, 201);
  assert.ok(!tokens.some((t) => fresh.json.url.endsWith(t)), 'a new token');
  assert.equal((await anon.get(`/c/${token}`)).status, 404);

  // The page forms do the same, back to the certificate's card.
  const end = await holder.req('POST', `/me/certificates/${serial}/unshare`, `csrf=${encodeURIComponent(holder.csrf)}`, form());
  assert.equal(end.status, 303, end.text);
  assert.equal(end.headers.get('location'), '/me?share=ended#certificates');
  const mk = await holder.req('POST', `/me/certificates/${serial}/share`, `csrf=${encodeURIComponent(holder.csrf)}`, form());
  assert.equal(mk.status, 303, mk.text);
  assert.equal(mk.headers.get('location'), `/me?share=made#cert-${serial}`);

  // Audited, as the holder's actions, without the token.
  const log = await admin.get(`/api/admin/audit?subject=${encodeURIComponent(`certificate:${serial}`)}`);
  assert.equal(log.status, 200, log.text);
  const actions = log.json.items.map((e) => e.action).filter((a) => /share/.test(a)).reverse();
  assert.deepEqual(actions, ['certificate.share', 'certificate.unshare', 'certificate.share',
    'certificate.unshare', 'certificate.share', 'certificate.unshare', 'certificate.share']);
  for (const e of log.json.items.filter((x) => /share/.test(x.action))) {
    assert.equal(e.actor, holder.user.id);
    assert.deepEqual(e.after, { serial });
  }
  for (const t of tokens) assert.ok(!JSON.stringify(log.json).includes(t), 'no token is in the audit log');
});

test('tokens that are not one are refused (404, or 400 for a path that is not one), never 5xx', async () => {
  const anon = new Client(d.url);
  for (const t of ['x', 'A'.repeat(43), 'A'.repeat(44), '%00', "'%20OR%201=1--", 'a'.repeat(2000)]) {
    const r = await anon.get(`/c/${t}`, { headers: { Accept: 'text/html' } });
    assert.ok([400, 404, 414].includes(r.status), `${t.slice(0, 20)} -> ${r.status}`);
  }
});
