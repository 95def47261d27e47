// Limits and durability of content: answers at the size limits are stored byte for byte
// (multi-byte UTF-8 included); a refused write (over the limit, wrong shape, body too large,
// after submit) answers 4xx and leaves the stored answer exactly as it was, also across a
// restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { startDaemon, stopClean, stopWith, candidateClient } from './lib/daemon.mjs';
import { sql, haveSqliteCli, formItems } from './lib/reliability.mjs';

const EXAM = 'DKV-DGM-JR';

// A string of exactly `bytes` UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters.
function utf8Text(bytes) {
  const parts = ['a', 'é', '—', '🎨', ' '];
  let s = '';
  let n = 0;
  for (let k = 0; ; k++) {
    const p = parts[k % parts.length];
    const len = Buffer.byteLength(p);
    if (n + len > bytes) break;
    s += p;
    n += len;
  }
  return s + 'x'.repeat(bytes - n);
}

test('answers at the limits are stored exactly; refused writes change nothing', { timeout: 90_000 }, async () => {
  let d = await startDaemon();
  try {
    const c = await candidateClient(d, 'Sari Batas');
    const s = await c.post(`/api/exams/${EXAM}/attempts`, {});
    assert.equal(s.status, 201, s.text);
    const id = s.json.id;
    const items = formItems((await c.get(`/api/attempts/${id}`)).json.form);
    const short = items.find((it) => it.type === 'short');
    const open = items.find((it) => it.type === 'open');
    const put = (it, value, opts) => c.put(`/api/attempts/${id}/answers/${it.id}`, { value }, opts);

    const shortMax = utf8Text(1000);
    const openMax = utf8Text(20000);
    assert.equal(Buffer.byteLength(shortMax), 1000);
    assert.equal((await put(short, shortMax)).status, 200);
    assert.equal((await put(open, openMax)).status, 200);

    // Refused: one byte over, the wrong shape, a body over --max-body, an unknown item.
    const over = await put(short, `${shortMax}x`);
    assert.equal(over.status, 400, over.text);
    const overOpen = await put(open, `${openMax}x`);
    assert.equal(overOpen.status, 400, overOpen.text);
    const shape = await put(short, { teks: 'bukan string' });
    assert.equal(shape.status, 400, shape.text);
    const huge = await put(open, 'x'.repeat(70_000));
    assert.equal(huge.status, 413, huge.text);
    const unknown = await c.put(`/api/attempts/${id}/answers/BUKAN-ITEM`, { value: 'x' });
    assert.ok(unknown.status >= 400 && unknown.status < 500, `unknown item: ${unknown.status} ${unknown.text}`);

    let g = (await c.get(`/api/attempts/${id}`)).json;
    assert.equal(g.answers[short.id], shortMax, 'a refused save changed the stored short answer');
    assert.equal(g.answers[open.id], openMax, 'a refused save changed the stored open answer');
    assert.equal(g.answers['BUKAN-ITEM'], undefined);

    // Submitted: further saves are refused, and the result keeps the answers it was scored on.
    const sub = await c.post(`/api/attempts/${id}/submit`, {});
    assert.equal(sub.status, 200, sub.text);
    const late = await put(short, 'sesudah kirim');
    assert.equal(late.status, 409, late.text);

    // Byte for byte after a restart, through the API and in the database.
    await stopClean(d);
    d = await startDaemon({ dataDir: d.dataDir });
    c.base = d.url;
    g = (await c.get(`/api/attempts/${id}`)).json;
    assert.equal(g.status, 'submitted');
    assert.equal(g.answers[short.id], shortMax);
    assert.equal(g.answers[open.id], openMax);
    if (haveSqliteCli()) {
      const rows = sql(d.dataDir, `SELECT item_id, value FROM attempt_answers WHERE attempt_id = ${id}`);
      const byItem = Object.fromEntries(rows.map((r) => [r.item_id, JSON.parse(r.value)]));
      assert.equal(byItem[short.id], shortMax);
      assert.equal(byItem[open.id], openMax);
      assert.equal(rows.length, 2, 'only the two accepted answers are stored');
    }
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    d.cleanup();
  }
});
