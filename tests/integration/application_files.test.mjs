// Supporting documents on an application (FR.APL.01) through the resumable upload protocol of
// evidence items: the candidate attaches an image and a PDF; the assessor deciding
// eligibility (assigned to the candidate's test event) sees them; another assessor, another
// candidate and an anonymous client get 404; hostile and oversized files, a sixth file and
// files after an eligible decision are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { candidateClient, Client } from './lib/daemon.mjs';
import { reviewDaemon, REVIEW_EXAM_ID } from './lib/reviews.mjs';
import { assignApplications, userId } from './lib/schedules.mjs';
import {
  TINY_JPEG, png, sha256, createApplicationUpload, uploadApplicationFile, reviewApplication,
} from './lib/evidence.mjs';

let ctx;

before(async () => {
  ctx = await reviewDaemon();
});

after(async () => {
  if (ctx) await ctx.stop();
});

const APPLICATION = reviewApplication({ full_name: 'Sari Wulandari', nik: '3471015203950001' });
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

test('attached to the application: the assessor sees the files; others get 404', async () => {
  const cand = await candidateClient(ctx.d, 'Sari Wulandari');
  const other = await candidateClient(ctx.d, 'Joko Susilo');
  // the assessor assigned to the candidate's test event decides the application
  await assignApplications(ctx.admin, REVIEW_EXAM_ID, [await userId(ctx.asesor1)], [cand.email]);
  // no application yet: nothing to attach to
  const early = await createApplicationUpload(cand, REVIEW_EXAM_ID, TINY_JPEG, 'poster.jpg');
  assert.equal(early.status, 404, early.text);
  const sent = await cand.post(`/api/exams/${REVIEW_EXAM_ID}/application`, APPLICATION);
  assert.equal(sent.status, 201, sent.text);
  const appId = sent.json.application.id;
  assert.deepEqual(sent.json.application.files, []);

  const img = await uploadApplicationFile(cand, REVIEW_EXAM_ID, TINY_JPEG, 'poster.jpg', { chunkSize: 500 });
  assert.equal(img.create.json.application_id, appId);
  assert.equal(img.create.json.attempt_id, undefined);
  assert.equal(img.complete.status, 200, img.complete.text);
  assert.equal(img.complete.json.type, 'image/jpeg');
  assert.equal(img.complete.json.sha256, sha256(TINY_JPEG));
  const doc = await uploadApplicationFile(cand, REVIEW_EXAM_ID, PDF, 'ijazah.pdf');
  assert.equal(doc.complete.status, 200, doc.complete.text);
  assert.equal(doc.complete.json.type, 'application/pdf');

  // the assessor deciding eligibility sees both, in order, and may read them
  const read = await ctx.asesor1.get(`/api/applications/${appId}`);
  assert.equal(read.status, 200, read.text);
  const files = read.json.application.files;
  assert.deepEqual(files.map((f) => f.name), ['poster.jpg', 'ijazah.pdf']);
  const url = files[0].url;
  assert.equal(url, `/api/applications/${appId}/files/${sha256(TINY_JPEG)}`);
  const got = await ctx.asesor1.get(url);
  assert.equal(got.status, 200);
  assert.equal(sha256(got.body), sha256(TINY_JPEG));
  assert.equal(got.headers.get('content-type'), 'image/jpeg');
  assert.match(got.headers.get('content-security-policy'), /sandbox; default-src 'none'/);
  assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
  assert.equal((await ctx.asesor1.get(`${url}/preview`)).status, 200, 'an image has a preview');
  assert.equal((await ctx.asesor2.get(files[1].url)).status, 404, 'an assessor not assigned to the candidate');
  assert.equal((await ctx.asesor2.get(`${files[0].url}/preview`)).status, 404);
  assert.equal((await ctx.admin.get(files[1].url)).status, 200, 'an administrator');
  assert.equal((await cand.get(files[1].url)).status, 200, 'the candidate');
  // and on the application's page, beside the self-assessment naming them
  const page = await ctx.asesor1.get(`/applications/${appId}`, { headers: { Accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(`<a href="${url}">poster.jpg</a>`), 'linked on the staff page');
  assert.ok(page.text.includes('ijazah.pdf</a> (application/pdf'));
  const candPage = await cand.get(`/exams/${REVIEW_EXAM_ID}/application`, { headers: { Accept: 'text/html' } });
  assert.ok(candPage.text.includes(`<a href="${url}">poster.jpg</a>`), 'listed for the candidate');
  const own = await cand.get(`/api/exams/${REVIEW_EXAM_ID}/application`);
  assert.equal(own.json.application.files.length, 2);

  // everyone else: 404, as for a file that does not exist
  for (const [who, c] of [['another candidate', other], ['anonymous', new Client(ctx.d.url)]]) {
    assert.equal((await c.get(url)).status, 404, who);
    assert.equal((await c.get(`${url}/preview`)).status, 404, `${who}: preview`);
  }
  assert.equal((await ctx.asesor1.get(`/api/applications/${appId + 1000}/files/${sha256(TINY_JPEG)}`)).status, 404);
  assert.equal((await ctx.asesor1.get(`/api/applications/${appId}/files/${sha256(png(5, 5))}`)).status, 404);
  // another candidate cannot upload into it (their own has none) nor touch its uploads
  assert.equal((await createApplicationUpload(other, REVIEW_EXAM_ID, TINY_JPEG, 'x.jpg')).status, 404);
  assert.equal((await other.get(`/api/uploads/${img.create.json.id}`)).status, 404);

  // hostile types are refused with nothing attached; an item member, size and count limits
  const html = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');
  const bad = await uploadApplicationFile(cand, REVIEW_EXAM_ID, html, 'foto.jpg');
  assert.equal(bad.complete.status, 422, bad.complete.text);
  assert.equal(bad.complete.json.error, 'evidence_refused');
  assert.equal(bad.complete.json.reason, 'type_not_allowed');
  const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
  const exe = await uploadApplicationFile(cand, REVIEW_EXAM_ID, elf, 'sertifikat.jpg');
  assert.equal(exe.complete.status, 422, exe.complete.text);
  assert.equal((await cand.get(`/api/applications/${appId}/files/${sha256(html)}`)).status, 404);
  const withItem = await cand.post(`/api/exams/${REVIEW_EXAM_ID}/application/uploads`,
    { item: 'EV-1', name: 'a.jpg', size: 10 });
  assert.equal(withItem.status, 400, withItem.text);
  const big = await createApplicationUpload(cand, REVIEW_EXAM_ID, { length: 10 * 1024 * 1024 + 1 }, 'besar.pdf');
  assert.equal(big.status, 413, big.text);
  for (const w of [20, 21, 22]) {
    const r = await uploadApplicationFile(cand, REVIEW_EXAM_ID, png(w, 20), `sertifikat-${w}.png`);
    assert.equal(r.complete.status, 200, r.complete.text);
  }
  const sixth = await createApplicationUpload(cand, REVIEW_EXAM_ID, png(23, 20), 'keenam.png');
  assert.equal(sixth.status, 409, sixth.text);
  assert.equal(sixth.json.error, 'evidence_too_many');
  assert.equal((await ctx.asesor1.get(`/api/applications/${appId}`)).json.application.files.length, 5);

  // once found eligible the application no longer changes: no more files
  const ok = await ctx.asesor1.post(`/api/applications/${appId}/decision`,
    { outcome: 'eligible', reason: 'Ijazah dan portofolio lengkap.' });
  assert.equal(ok.status, 200, ok.text);
  const late = await createApplicationUpload(cand, REVIEW_EXAM_ID, TINY_JPEG, 'telat.jpg');
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.error, 'application_locked');
});
