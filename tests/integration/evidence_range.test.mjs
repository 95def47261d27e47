// Evidence files served in byte ranges (video seeking): one range `a-b`, `a-` or `-n` gets
// 206 with Content-Range, a range past the end 416, several ranges or an If-Range that is
// not the file's ETag the whole file (200); every answer says Accept-Ranges: bytes. The
// bytes come from the stored chunks piece by piece, so ranges across chunk boundaries are
// the interesting ones; a 32 MB file is served while the daemon's memory grows by a small
// part of it (streamed, never held whole).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';

import { candidateClient, startDaemon, stopClean } from './lib/daemon.mjs';
import { reviewDaemon, makeExamsDir } from './lib/reviews.mjs';
import { EVID_EXAM, png, sha256, uploadFile, evidenceAttempt } from './lib/evidence.mjs';

let ctx;

before(async () => {
  ctx = await reviewDaemon({ 'dkv-uji-bukti.exam.yaml': EVID_EXAM });
});

after(async () => {
  if (ctx) await ctx.stop();
});

const CHUNK = 700_000;

test('single ranges are answered 206 from the chunks; past the end 416; several ranges the whole file', async () => {
  const cand = await candidateClient(ctx.d, 'Rina Kusuma');
  const id = await evidenceAttempt(cand);
  const bytes = png(1000, 800, { noise: true }); // about 2.4 MB: four chunks
  assert.ok(bytes.length > 3 * CHUNK, `${bytes.length} bytes`);
  const up = await uploadFile(cand, id, 'EV-1', bytes, 'karya.png', { chunkSize: CHUNK });
  assert.equal(up.complete.status, 200, up.complete.text);
  const url = `/api/attempts/${id}/evidence/${sha256(bytes)}`;
  const n = bytes.length;

  const whole = await cand.get(url);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.equal(whole.headers.get('content-length'), String(n));
  assert.equal(whole.headers.get('content-range'), null);
  assert.equal(sha256(whole.body), sha256(bytes), 'the whole file, streamed');
  const etag = whole.headers.get('etag');

  const ranged = async (range, extra = {}) => cand.get(url, { headers: { Range: range, ...extra } });
  const cases = [
    ['bytes=0-99', 0, 99],
    [`bytes=${CHUNK - 10}-${CHUNK + 9}`, CHUNK - 10, CHUNK + 9], // across a chunk boundary
    [`bytes=${CHUNK}-${3 * CHUNK + 5}`, CHUNK, 3 * CHUNK + 5], // across three
    [`bytes=${2 * CHUNK + 1}-`, 2 * CHUNK + 1, n - 1],
    ['bytes=-1000', n - 1000, n - 1],
    [`bytes=${n - 1}-${n + 500}`, n - 1, n - 1], // clipped to the last byte
    [`bytes=-${n + 10}`, 0, n - 1],
  ];
  for (const [range, first, last] of cases) {
    const r = await ranged(range);
    assert.equal(r.status, 206, `${range}: ${r.status}`);
    assert.equal(r.headers.get('content-range'), `bytes ${first}-${last}/${n}`, range);
    assert.equal(r.headers.get('content-length'), String(last - first + 1), range);
    assert.equal(r.headers.get('accept-ranges'), 'bytes');
    assert.equal(r.headers.get('content-type'), 'image/png');
    assert.match(r.headers.get('content-security-policy'), /sandbox/);
    assert.ok(r.body.equals(bytes.subarray(first, last + 1)), `${range}: the bytes of the range`);
  }

  for (const range of [`bytes=${n}-`, `bytes=${n + 5}-${n + 10}`, 'bytes=-0']) {
    const r = await ranged(range);
    assert.equal(r.status, 416, `${range}: ${r.status} ${r.text}`);
    assert.equal(r.headers.get('content-range'), `bytes */${n}`);
    assert.equal(r.json.error, 'range_not_satisfiable');
  }

  // several ranges, another unit, nonsense: the whole file
  for (const range of ['bytes=0-1,5-6', 'items=0-5', 'bytes=9-1']) {
    const r = await ranged(range);
    assert.equal(r.status, 200, range);
    assert.equal(sha256(r.body), sha256(bytes), range);
  }
  // If-Range: the file's own ETag keeps the range, another one asks for the whole file
  let r = await ranged('bytes=10-19', { 'If-Range': etag });
  assert.equal(r.status, 206);
  assert.ok(r.body.equals(bytes.subarray(10, 20)));
  r = await ranged('bytes=10-19', { 'If-Range': '"something-else"' });
  assert.equal(r.status, 200);
  assert.equal(r.body.length, n);

  // HEAD: the length of the range, no body
  r = await cand.req('HEAD', url, undefined, { headers: { Range: 'bytes=100-199' } });
  assert.equal(r.status, 206);
  assert.equal(r.headers.get('content-length'), '100');
  assert.equal(r.body.length, 0);

  // a preview is small and whole: no ranges
  const p = await cand.get(`${url}/preview`, { headers: { Range: 'bytes=0-9' } });
  assert.equal(p.status, 200);
  assert.equal(p.headers.get('accept-ranges'), null);

  // ranges are no way around who may read: another candidate still gets 404
  const other = await candidateClient(ctx.d, 'Tono Wijaya');
  assert.equal((await other.get(url, { headers: { Range: 'bytes=0-9' } })).status, 404);
});

// The daemon's resident memory (kB), from /proc.
function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]);
}

test('a large file is streamed: the daemon does not hold it in memory to serve it', async () => {
  // EV-1 takes files up to 60 MB here. ASan's quarantine would keep every freed chunk
  // buffer resident: without it freed memory leaves, so resident memory shows what is held.
  const exam = EVID_EXAM.replace('max_mb: 6', 'max_mb: 60');
  const examsDir = makeExamsDir({ 'dkv-uji-bukti.exam.yaml': exam });
  const asan = process.env.ASAN_OPTIONS ? `${process.env.ASAN_OPTIONS}:` : '';
  const d = await startDaemon({ examsDir, env: { ASAN_OPTIONS: `${asan}quarantine_size_mb=0` } });
  try {
    const cand = await candidateClient(d, 'Gita Savitri');
    const id = await evidenceAttempt(cand);
    // a 32 MB PDF (no preview is made of it)
    const big = Buffer.alloc(32 * 1024 * 1024, 0x20);
    big.write('%PDF-1.4\n', 0);
    big.write('\n%%EOF\n', big.length - 7);
    for (let i = 4096; i < big.length - 4096; i += 4096) big.write(`${i} 0 obj\n`, i); // not all spaces
    const up = await uploadFile(cand, id, 'EV-1', big, 'portofolio.pdf', { chunkSize: 1024 * 1024 });
    assert.equal(up.complete.status, 200, up.complete.text);
    assert.equal(up.complete.json.type, 'application/pdf');
    await new Promise((ok) => setTimeout(ok, 300));
    const base = rssKb(d.proc.pid);
    // read it slowly, so that the daemon sends while we sample its memory
    let peak = base;
    const digest = await new Promise((resolve, reject) => {
      const req = http.get(`${d.url}/api/attempts/${id}/evidence/${sha256(big)}`,
        { headers: { Cookie: cand.cookieHeader() } }, (res) => {
          assert.equal(res.statusCode, 200);
          assert.equal(res.headers['content-length'], String(big.length));
          const chunks = [];
          res.on('data', (c) => {
            chunks.push(c);
            peak = Math.max(peak, rssKb(d.proc.pid));
            res.pause();
            setTimeout(() => res.resume(), 1);
          });
          res.on('end', () => resolve(sha256(Buffer.concat(chunks))));
          res.on('error', reject);
        });
      req.on('error', reject);
    });
    assert.equal(digest, sha256(big), 'the whole file arrives');
    const grew = peak - base;
    console.log(`# served ${big.length >> 20} MB; resident memory grew by ${grew} kB`);
    assert.ok(grew < 16 * 1024, `the daemon grew by ${grew} kB while serving a ${big.length >> 20} MB file`);
  } finally {
    await stopClean(d);
    d.cleanup();
    rmSync(examsDir, { recursive: true, force: true });
  }
});
