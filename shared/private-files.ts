import { chmodSync, lstatSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Mode of every file Omnilane writes under DATA_DIR: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Mode of every folder under DATA_DIR: owner only. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Writes a file only its owner can read (0600), creating its folder 0700, through a temporary file and a
 * rename so a reader never sees half a secret.
 */
export function writePrivateFile(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, path);
}

/**
 * Makes DATA_DIR private: creates it 0700 and takes group and other permissions away from everything already
 * in it (files 0600, folders 0700; data written by an older version was 0644/0755). The process umask (set by
 * the CLI, `privateUmask`) keeps what is written later private too. Symbolic links are left alone.
 */
export function restrictDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(p, PRIVATE_DIR_MODE);
      for (const name of readdirSync(p)) walk(join(p, name));
    } else if ((st.mode & 0o077) !== 0) {
      chmodSync(p, PRIVATE_FILE_MODE);
    }
  };
  walk(dir);
}

/** Sets the process umask so every file and folder it creates is private to its owner (0600 / 0700). */
export function privateUmask(): void {
  process.umask(0o077);
}
