// `ujikom seed` with --manifest: the bearer sessions it writes for the load scripts live as a
// log-in to ujikomd at its default settings makes them (2 h idle expiry, 12 h at most). A
// longer idle expiry would be shortened by each session's first touch, and every shortening
// makes each process read all its sessions again (docs/performance.md, change 32). The seed
// writes a SQLite file whatever the pass, so the file is read with the sqlite3 shell.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { cli, tmpDir, EXAMS_DIR } from './lib/daemon.mjs';

test('seeded sessions have the lifetimes of a log-in at the default settings', () => {
  const work = tmpDir('ujikom-seed-');
  const dataDir = path.join(work, 'data');
  const manifest = path.join(work, 'manifest');
  const seed = cli(['seed', '--data-dir', dataDir, '--exams-dir', EXAMS_DIR, '--candidates', '20',
    '--attempts', '20', '--certificates', '5', '--open', '4', '--manifest', manifest]);
  assert.equal(seed.status, 0, `seeding: ${seed.stderr}`);
  const tokens = readFileSync(path.join(manifest, 'open.tsv'), 'utf8').trim().split('\n');
  assert.equal(tokens.length, 4, 'one session per open attempt');
  const r = spawnSync('sqlite3', [path.join(dataDir, 'ujikom.db'),
    'SELECT count(*), expires_at - created_at, absolute_expires_at - created_at FROM sessions ' +
    'GROUP BY 2, 3'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // The four candidates' sessions and the administrator's, all alike.
  assert.equal(r.stdout.trim(), '5|7200000|43200000');
});
