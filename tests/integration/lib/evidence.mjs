// Shared by the evidence tests: an exam with an evidence item, images made here (a PNG
// writer, a small JPEG), hostile files, and the upload protocol driven chunk by chunk.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

import { REVIEW_EXAM, REVIEW_EXAM_ID } from './reviews.mjs';
import { tmpDir, EXAMS_DIR } from './daemon.mjs';

export const EVID_EXAM_ID = 'DKV-UJI-BUKTI';

// The review exam's head (subsector DKV, generous retakes) with one practical unit: EV-1
// takes up to 3 images or PDFs of at most 6 MiB each; EV-2 audio only (for the "not
// accepted" case); each marked with a rubric.
export const EVID_EXAM = `${REVIEW_EXAM.slice(0, REVIEW_EXAM.indexOf('units:\n'))
  .replace(`id: ${REVIEW_EXAM_ID}`, `id: ${EVID_EXAM_ID}`)
  .replace('title: Uji Tinjauan Asesor', 'title: Uji Bukti Portofolio')
  .replace('title_en: Assessor Review Test', 'title_en: Portfolio Evidence Test')}units:
  - code: U.PRAK.001
    title: Unit Praktik
    cut_score: 50
    elements:
      - id: 1
        title: Elemen praktik
        kuk:
          - id: "1.1"
            text: Karya dibuat sesuai brief.
    pools:
      - id: P1
        draw: 2
        items:
          - id: EV-1
            type: evidence
            kuk: ["1.1"]
            prompt: Unggah foto karya poster Anda.
            accept: [image, pdf]
            max_files: 3
            max_mb: 6
            rubric:
              - id: R1
                text: Komposisi sesuai brief
                max_points: 4
          - id: EV-2
            type: evidence
            kuk: ["1.1"]
            prompt: Unggah rekaman penjelasan karya.
            accept: [audio]
            max_files: 1
            max_mb: 1
            rubric:
              - id: R1
                text: Penjelasan runtut
                max_points: 2
`;

// A 32 x 24 JPEG (baseline, JFIF).
export const TINY_JPEG = Buffer.from('/9j/4AAQSkZJRgABAQEAYABgAAD//gA7Q1JFQVRPUjogZ2QtanBlZyB2MS4wICh1c2luZyBJSkcgSlBFRyB2NjIpLCBxdWFsaXR5ID0gNjAK/9sAQwANCQoLCggNCwoLDg4NDxMgFRMSEhMnHB4XIC4pMTAuKS0sMzpKPjM2RjcsLUBXQUZMTlJTUjI+WmFaUGBKUVJP/9sAQwEODg4TERMmFRUmTzUtNU9PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09P/8AAEQgAGAAgAwEiAAIRAQMRAf/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/EAB8BAAMBAQEBAQEBAQEAAAAAAAABAgMEBQYHCAkKC//EALURAAIBAgQEAwQHBQQEAAECdwABAgMRBAUhMQYSQVEHYXETIjKBCBRCkaGxwQkjM1LwFWJy0QoWJDThJfEXGBkaJicoKSo1Njc4OTpDREVGR0hJSlNUVVZXWFlaY2RlZmdoaWpzdHV2d3h5eoKDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uLj5OXm5+jp6vLz9PX29/j5+v/aAAwDAQACEQMRAD8A4uK09quRWntWjFae1XIrT2r0amJMMLizOitParcVp7VoxWntVyK09q4qmJPpcLiyGK09quRWntRRXFOcj86wtSRbitParkVp7UUVx1JyPpMLUkf/2Q==', 'base64');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

// An RGB PNG of width x height: noise (incompressible: a photo-sized file) or a gradient.
// declared: { width, height } written into IHDR instead (a decompression bomb's lie).
export function png(width, height, { noise = false, declared } = {}) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(declared ? declared.width : width, 0);
  ihdr.writeUInt32BE(declared ? declared.height : height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const row = 1 + width * 3;
  const raw = Buffer.alloc(row * height);
  let seed = 12345;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 3; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      raw[y * row + 1 + x] = noise ? seed >> 16 : (x + y) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: noise ? 0 : 6 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

// Creates an upload of bytes for item of attempt id: the create answer.
export async function createUpload(client, id, item, bytes, name, extra = {}) {
  return client.post(`/api/attempts/${id}/uploads`, { item, name, size: bytes.length, ...extra });
}

// Sends bytes[from, to) at offset from as one chunk.
export function putChunk(client, uploadId, bytes, from, to) {
  return client.req('PUT', `/api/uploads/${uploadId}`, bytes.subarray(from, to), {
    headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(from) },
  });
}

// Uploads bytes in chunks of chunkSize and completes: { create, complete }.
export async function uploadFile(client, id, item, bytes, name, { chunkSize = 256 * 1024 } = {}) {
  return sendUpload(client, await createUpload(client, id, item, bytes, name), bytes, chunkSize);
}

// Creates an upload of bytes for the candidate's application for exam examId: the answer.
export function createApplicationUpload(client, examId, bytes, name) {
  return client.post(`/api/exams/${examId}/application/uploads`, { name, size: bytes.length });
}

// As uploadFile, into the candidate's application for exam examId.
export async function uploadApplicationFile(client, examId, bytes, name, { chunkSize = 256 * 1024 } = {}) {
  return sendUpload(client, await createApplicationUpload(client, examId, bytes, name), bytes, chunkSize);
}

// Sends bytes in chunks to the upload create made, then completes it: { create, complete }.
async function sendUpload(client, create, bytes, chunkSize) {
  assert.equal(create.status, 201, `create: ${create.text}`);
  for (let off = 0; off < bytes.length; off += chunkSize) {
    const r = await putChunk(client, create.json.id, bytes, off, Math.min(bytes.length, off + chunkSize));
    assert.equal(r.status, 200, `chunk at ${off}: ${r.text}`);
  }
  const complete = await client.post(`/api/uploads/${create.json.id}/complete`, {});
  return { create, complete };
}

// Starts an attempt at the evidence exam: its id.
export async function evidenceAttempt(cand) {
  const s = await cand.post(`/api/exams/${EVID_EXAM_ID}/attempts`, {});
  assert.ok(s.status === 201 || s.status === 200, `start: ${s.status} ${s.text}`);
  return s.json.id ?? s.json.attempt?.id;
}

// An exams directory (a new temporary one, named with prefix) with the subsector list and
// the evidence exam.
export function evidenceExamsDir(prefix) {
  const dir = tmpDir(prefix);
  copyFileSync(path.join(EXAMS_DIR, 'subsectors.yaml'), path.join(dir, 'subsectors.yaml'));
  writeFileSync(path.join(dir, 'dkv-uji-bukti.exam.yaml'), EVID_EXAM);
  return dir;
}

// An application body for the review exam (its two units, "dapat" with evidence) with the
// personal data given (full_name and nik at least; the rest filled in).
export function reviewApplication({ full_name, nik, ...rest }) {
  return {
    personal: {
      full_name, birth_place: 'Yogyakarta', birth_date: '1995-03-12',
      address: 'Jl. Malioboro No. 5, Yogyakarta', phone: '+62 813-1111-2222',
      education: 'SMK Desain Komunikasi Visual', occupation: 'Desainer grafis', nik, ...rest,
    },
    self_assessment: {
      'U.OBJ.001': { 1: { answer: 'dapat', evidence: 'Ijazah SMK terlampir (ijazah.pdf).' } },
      'U.ESS.002': { 1: { answer: 'dapat', evidence: 'Portofolio terlampir (poster.jpg).' } },
    },
  };
}
