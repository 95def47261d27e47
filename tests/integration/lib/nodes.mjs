// Several ujikomd nodes on one database (docs/operations.md, "Several nodes on one
// database"): the files of a data directory that every node must share, copied as a
// deployment would copy them.
import { cpSync } from 'node:fs';
import path from 'node:path';

export const SHARED_KEY_FILES = ['keys', 'log-signing.key', 'second-factor.key', 'application.key'];

// Copies the shared key files of data directory fromDir into toDir (before a node starts there).
export function shareKeys(fromDir, toDir) {
  for (const f of SHARED_KEY_FILES) cpSync(path.join(fromDir, f), path.join(toDir, f), { recursive: true });
}
