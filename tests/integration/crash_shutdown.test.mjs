// Graceful shutdown under load: SIGTERM while candidates save answers. Requests already
// in flight are finished (never answered 5xx or cut), the daemon exits 0 without leaks
// within its grace period, and after a restart every acknowledged save is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { startDaemon, stopClean, stopWith, candidateClient } from './lib/daemon.mjs';
import { textItems, answerText, answerSeq, SaveLog } from './lib/reliability.mjs';

const EXAM = 'DKV-DGM-JR';
const SAVERS = 8;
const GRACE_S = 5;

test('SIGTERM under load finishes in-flight requests and loses nothing', { timeout: 120_000 }, async (t) => {
  let d = await startDaemon({ logLevel: 'info', args: ['--shutdown-grace', String(GRACE_S)] });
  try {
    const savers = [];
    for (let i = 0; i < SAVERS; i++) {
      const c = await candidateClient(d, `Peserta Tutup ${i}`);
      const s = await c.post(`/api/exams/${EXAM}/attempts`, {});
      assert.equal(s.status, 201, s.text);
      const g = await c.get(`/api/attempts/${s.json.id}`);
      savers.push({ i: i + 1, c, id: s.json.id, items: textItems(g.json.form), log: new SaveLog() });
    }
    const stats = { acked: 0, refused: 0, bad: [] };
    let stopping = false;
    const loops = savers.map(async (st) => {
      let seq = 0;
      // Stop once the daemon refuses a connection (it stopped listening).
      for (;;) {
        const item = st.items[seq % st.items.length];
        seq += 1;
        st.log.send(item.id, seq);
        let r;
        try {
          r = await st.c.put(`/api/attempts/${st.id}/answers/${item.id}`, { value: answerText(item, st.i, seq) });
        } catch {
          if (stopping) { stats.refused += 1; return; }
          stats.bad.push('connection failed before SIGTERM');
          return;
        }
        if (r.status === 200) {
          st.log.ack(item.id, seq);
          stats.acked += 1;
        } else {
          stats.bad.push(`${r.status} ${r.text.slice(0, 120)}`);
        }
      }
    });
    await sleep(1500);
    stopping = true;
    const t0 = Date.now();
    await stopClean(d, (GRACE_S + 10) * 1000);
    const took = Date.now() - t0;
    await Promise.all(loops);
    t.diagnostic(`acked ${stats.acked} saves; stopped in ${took} ms; ${stats.refused} clients refused after stop`);
    assert.deepEqual(stats.bad, [], 'requests answered with an error or cut during shutdown');
    assert.ok(took < (GRACE_S + 3) * 1000, `shutdown took ${took} ms (grace ${GRACE_S} s)`);
    assert.match(d.output(), /stopped cleanly/);
    assert.ok(stats.acked > SAVERS, `too little load (${stats.acked} saves)`);

    d = await startDaemon({ dataDir: d.dataDir });
    for (const st of savers) {
      st.c.base = d.url;
      const g = await st.c.get(`/api/attempts/${st.id}`);
      assert.equal(g.status, 200, g.text);
      for (const it of st.items) {
        const v = g.json.answers[it.id];
        const err = st.log.check(it.id, v === undefined ? null : answerSeq(v, st.i));
        assert.equal(err, null, `attempt ${st.id}: ${err}`);
      }
    }
    await stopClean(d);
  } finally {
    await stopWith(d, 'SIGKILL');
    d.cleanup();
  }
});
