import { CsvReader } from '../../stream/attribution/index.js';
import { compileCsvMapping, type CompiledCsvMapping, type CsvMappingSpec } from './csv-mapping.js';
import { parseJsonlLine } from './jsonl-line.js';
import { readLines } from './read-lines.js';
import type { ImportFormat, ImportRecord } from './types.js';

export interface ReadRecordsOptions {
  format: ImportFormat;
  /** Byte offset to resume at (a record boundary from a checkpoint) and the line number found there. */
  fromByte?: number;
  fromLine?: number;
  mapping?: CsvMappingSpec;
}

/** A CSV whose header or mapping cannot work, or whose quoting breaks: the import cannot go on. */
export class CsvFileError extends Error {
  constructor(
    readonly code: 'IMPORT_ERR_BAD_MAPPING' | 'IMPORT_ERR_BAD_CSV',
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The records of an import file in order, each with its start line and the byte offset where the next one
 * starts (what a checkpoint stores). JSON lines map one to one; CSV rows may span lines inside quotes, so
 * lines are fed to the RFC 4180 reader one at a time and a row's end is the end of the line that completed it.
 * Throws CsvFileError for a bad header/mapping or an unterminated quote (nothing after it can be trusted).
 */
export async function* readRecords(path: string, o: ReadRecordsOptions): AsyncGenerator<ImportRecord> {
  const fromByte = o.fromByte ?? 0;
  const fromLine = o.fromLine ?? 1;
  if (o.format === 'jsonl') {
    for await (const l of readLines(path, fromByte, fromLine)) {
      const r = parseJsonlLine(l.text);
      if (r) yield { ...r, line: l.line, end: l.end, next: l.line + 1 };
    }
    return;
  }
  let mapping: CompiledCsvMapping | undefined;
  let headerEnd = 0;
  let headerLines = 0;
  const rows: Array<{ fields: string[]; line: number }> = [];
  let lineBase = 0;
  const reader = () => new CsvReader((fields, line) => rows.push({ fields, line: line + lineBase }));
  // The header is the first row of the file, wherever the import resumes.
  {
    const r = reader();
    for await (const l of readLines(path, 0, 1)) {
      const err = r.push(`${l.text}\n`);
      if (err) throw new CsvFileError('IMPORT_ERR_BAD_CSV', err.line, err.message);
      if (rows.length > 0) {
        [headerEnd, headerLines] = [l.end, l.line];
        break;
      }
    }
    if (rows.length === 0) throw new CsvFileError('IMPORT_ERR_BAD_MAPPING', 1, 'the file has no header row');
    const compiled = compileCsvMapping(rows[0].fields, o.mapping);
    if (!compiled.ok) throw new CsvFileError('IMPORT_ERR_BAD_MAPPING', rows[0].line, compiled.message);
    mapping = compiled.mapping;
  }
  const resumed = fromByte > headerEnd;
  const start = resumed ? fromByte : headerEnd;
  const startLine = resumed ? fromLine : headerLines + 1;
  rows.length = 0;
  lineBase = startLine - 1;
  const r = reader();
  let last = start;
  let lastLine = startLine - 1;
  for await (const l of readLines(path, start, startLine)) {
    const err = r.push(`${l.text}\n`);
    if (err) throw new CsvFileError('IMPORT_ERR_BAD_CSV', err.line + lineBase, `${err.message}; the import stops here`);
    for (const row of rows) yield { ...mapping.toEvent(row.fields), line: row.line, end: l.end, next: l.line + 1 };
    rows.length = 0;
    last = l.end;
    lastLine = l.line;
  }
  const err = r.end();
  if (err) throw new CsvFileError('IMPORT_ERR_BAD_CSV', err.line + lineBase, `${err.message}; the import stops here`);
  for (const row of rows) yield { ...mapping.toEvent(row.fields), line: row.line, end: last, next: lastLine + 1 };
}
