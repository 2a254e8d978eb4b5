/**
 * Where the intent model and its data live, and reading them: the shipped model
 * (stream/intent/model/intent-model.json), the team's labelled data (stream/intent/data/intent-train.jsonl and
 * the held-out intent-heldout.jsonl, which training never reads) and agents' corrections
 * (DATA_DIR/labels/intent-corrections.jsonl). The only file I/O of the intent folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../shared/paths.js';
import { parseCorrections, parseLabelled, type IntentCorrection, type LabelledExample, type ParseResult } from './dataset.js';
import { modelFromDoc, type IntentModel } from './softmax-model.js';

export const intentPaths = {
  model: () => join(projectRoot(), 'stream/intent/model/intent-model.json'),
  train: () => join(projectRoot(), 'stream/intent/data/intent-train.jsonl'),
  heldOut: () => join(projectRoot(), 'stream/intent/data/intent-heldout.jsonl'),
  corrections: (dataDir: string) => join(dataDir, 'labels/intent-corrections.jsonl'),
};

let shipped: IntentModel | undefined;

/** The shipped model, read and validated once per process (later calls return the same object). */
export function loadShippedModel(): IntentModel {
  shipped ??= loadModelFile(intentPaths.model());
  return shipped;
}

/** A model file written by `omnilane intent train`. Throws a clear Error when missing or malformed. */
export function loadModelFile(path: string): IntentModel {
  return modelFromDoc(JSON.parse(readFileSync(path, 'utf8')));
}

/** Labelled JSON lines from a file; bad lines come back as errors. */
export function readLabelled(path: string): ParseResult<LabelledExample> {
  return parseLabelled(readFileSync(path, 'utf8'));
}

/** Agents' corrections under DATA_DIR; no file means no corrections yet. */
export function readCorrections(path: string): ParseResult<IntentCorrection> {
  return existsSync(path) ? parseCorrections(readFileSync(path, 'utf8')) : { rows: [], errors: [] };
}
