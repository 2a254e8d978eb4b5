import { createReadStream } from 'node:fs';
import { createPathCsvParser, type PathCsvResult } from './path-csv.js';

export type PathCsvFileResult = PathCsvResult | { ok: false; code: 'ATTR_ERR_IO'; line: 0; message: string };

/** Streams a path CSV file through the parser (1 MiB chunks, UTF-8). I/O failures come back as ATTR_ERR_IO. */
export async function readPathCsvFile(file: string, opts: { separator?: string } = {}): Promise<PathCsvFileResult> {
  const parser = createPathCsvParser(opts);
  try {
    const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    for await (const chunk of stream) parser.push(chunk as string);
  } catch (err) {
    return { ok: false, code: 'ATTR_ERR_IO', line: 0, message: `cannot read ${file}: ${(err as Error).message}` };
  }
  return parser.end();
}
