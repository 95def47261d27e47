// Evidence upload throughput for bench/upload.sh: a candidate starts the fesyen exam (its
// practical unit has an evidence item) and uploads a photo-sized PNG (noise: it does not
// compress) of SIZE_MB in 256 KiB chunks, each acknowledged once committed, then completes it
// (SHA-256, type by content, preview). Then CLIENTS candidates upload one each at once.
// Prints RESULT lines: MB/s of acknowledged chunks, and the completion time.
//
// usage: node bench/upload.mjs BASE_URL SIZE_MB CLIENTS
import { candidateClient } from '../tests/integration/lib/daemon.mjs';
import { png, sha256, createUpload, putChunk } from '../tests/integration/lib/evidence.mjs';

const [base, sizeArg, clientsArg] = process.argv.slice(2);
if (!base || !sizeArg) {
  console.error('usage: node bench/upload.mjs BASE_URL SIZE_MB [CLIENTS]');
  process.exit(2);
}
const EXAM = 'FSN-PBW-JR';
const CHUNK = 256 * 1024;
const side = Math.ceil(Math.sqrt((Number(sizeArg) * 1024 * 1024) / 3));
const d = { url: base };

async function candidateWithItem(i) {
  const c = await candidateClient(d, `Peserta Unggah ${i}`);
  const s = await c.post(`/api/exams/${EXAM}/attempts`, {});
  if (s.status !== 201 && s.status !== 200) throw new Error(`start: ${s.status} ${s.text}`);
  const id = s.json.id;
  const form = (await c.get(`/api/attempts/${id}`)).json.form;
  const item = form.units.flatMap((u) => u.items).find((it) => it.type === 'evidence');
  if (!item) throw new Error(`${EXAM} draws no evidence item`);
  return { c, id, item: item.id };
}

// Uploads bytes: { chunkMs, completeMs } (time to send every chunk, time to complete).
async function upload({ c, id, item }, bytes, name) {
  const created = await createUpload(c, id, item, bytes, name);
  if (created.status !== 201) throw new Error(`create: ${created.status} ${created.text}`);
  const t0 = performance.now();
  for (let off = 0; off < bytes.length; off += CHUNK) {
    const r = await putChunk(c, created.json.id, bytes, off, Math.min(bytes.length, off + CHUNK));
    if (r.status !== 200) throw new Error(`chunk at ${off}: ${r.status} ${r.text}`);
  }
  const t1 = performance.now();
  const done = await c.post(`/api/uploads/${created.json.id}/complete`, {});
  const t2 = performance.now();
  if (done.status !== 200 || done.json.sha256 !== sha256(bytes)) throw new Error(`complete: ${done.status} ${done.text}`);
  return { chunkMs: t1 - t0, completeMs: t2 - t1 };
}

const mb = (n) => n / (1024 * 1024);
const one = await candidateWithItem(0);
const photo = png(side, side, { noise: true });
const r = await upload(one, photo, 'foto.png');
console.log(`RESULT single bytes=${photo.length} mbps=${(mb(photo.length) / (r.chunkMs / 1000)).toFixed(1)} complete_ms=${Math.round(r.completeMs)}`);

const n = Number(clientsArg || 4);
const many = await Promise.all(Array.from({ length: n }, (_, i) => candidateWithItem(i + 1)));
// distinct contents (no deduplication shortcut): each its own noise
const files = many.map((_, i) => png(side, side + i + 1, { noise: true }));
const t0 = performance.now();
const res = await Promise.all(many.map((m, i) => upload(m, files[i], `foto-${i}.png`)));
const secs = (performance.now() - t0) / 1000;
const total = files.reduce((s, b) => s + b.length, 0);
const worst = Math.max(...res.map((x) => x.completeMs));
console.log(`RESULT parallel clients=${n} bytes=${total} mbps=${(mb(total) / secs).toFixed(1)} complete_ms_max=${Math.round(worst)}`);
