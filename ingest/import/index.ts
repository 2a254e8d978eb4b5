export { Batch, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_EVENT_BYTES } from './batch.js';
export {
  checkpointMismatch,
  emptyCounts,
  fingerprint,
  readCheckpoint,
  writeCheckpoint,
  type ImportCheckpoint,
  type ImportCounts,
  type ImportIdentity,
} from './checkpoint.js';
export { compileCsvMapping, parseTarget, type CsvMappingSpec } from './csv-mapping.js';
export { runImport, type ImportProgress, type ImportResult, type ImportSink, type RunImportOptions, type SinkReply } from './import-run.js';
export { parseJsonlLine } from './jsonl-line.js';
export { CsvFileError, readRecords } from './records.js';
export { RejectReport } from './reject-report.js';
export type { ImportFormat, ImportRecord, LineResult, RejectedLine } from './types.js';
