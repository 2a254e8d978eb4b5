import type { CommandIo } from '../../cli/attribution-command.js';

/** Runs a CLI command with its standard output and error captured, as the command tests read them. */
export async function captured(command: (io: CommandIo) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await command({ stdout: (s) => void (out += s), stderr: (s) => void (err += s) });
  return { code, out, err };
}
