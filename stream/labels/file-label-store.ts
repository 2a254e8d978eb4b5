import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePrivateFile } from '../../shared/private-files.js';
import { intentPaths } from '../intent/model-files.js';
import type { BotFeedbackRecord, IntentCorrectionRecord, LabelStore } from './label-store.js';

/** Paths of the label files under DATA_DIR (intent-corrections.jsonl is what `omnilane intent train` reads). */
export const labelPaths = {
  corrections: intentPaths.corrections,
  botFeedback: (dataDir: string) => join(dataDir, 'labels', 'bot-feedback.jsonl'),
};

/**
 * The embedded default LabelStore: JSON lines appended under DATA_DIR/labels/. Each record is one `appendFile`
 * of one line (O_APPEND), and appends from this process are chained so lines never interleave. In distributed
 * mode the api process writes to its own DATA_DIR (docs/ai.md).
 */
export class FileLabelStore implements LabelStore {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataDir: string) {}

  private append(path: string, record: object): Promise<void> {
    const line = JSON.stringify(record) + '\n';
    const next = this.chain.then(async () => {
      await mkdir(join(this.dataDir, 'labels'), { recursive: true });
      await appendFile(path, line, 'utf8');
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async read(path: string): Promise<string> {
    await this.chain;
    return readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
  }

  addIntentCorrection(c: IntentCorrectionRecord): Promise<void> {
    // Key order: the four fields train reads first, so the line reads like the documented format.
    const { text, intent, agent_id, at, model_intent, model_confidence, conversation_id, message_id } = c;
    return this.append(labelPaths.corrections(this.dataDir), { text, intent, agent_id, at, model_intent, model_confidence, conversation_id, message_id });
  }

  addBotFeedback(f: BotFeedbackRecord): Promise<void> {
    return this.append(labelPaths.botFeedback(this.dataDir), f);
  }

  intentCorrections(): Promise<string> {
    return this.read(labelPaths.corrections(this.dataDir));
  }

  botFeedback(): Promise<string> {
    return this.read(labelPaths.botFeedback(this.dataDir));
  }

  /** Rewrites each file without the conversations' lines (temporary file and rename, in the append chain). */
  eraseConversations(conversationIds: readonly string[]): Promise<number> {
    const gone = new Set(conversationIds);
    const next = this.chain.then(async () => {
      let removed = 0;
      for (const path of [labelPaths.corrections(this.dataDir), labelPaths.botFeedback(this.dataDir)]) {
        const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
        if (text === null) continue;
        const lines = text.split('\n').filter(Boolean);
        const kept = lines.filter((l) => !gone.has(conversationOf(l)));
        if (kept.length === lines.length) continue;
        removed += lines.length - kept.length;
        writePrivateFile(path, kept.map((l) => `${l}\n`).join(''));
      }
      return removed;
    });
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/** The conversation a label line names ('' for a line that is not a record: tools may append other lines). */
function conversationOf(line: string): string {
  try {
    const v = (JSON.parse(line) as { conversation_id?: unknown }).conversation_id;
    return typeof v === 'string' ? v : '';
  } catch {
    return '';
  }
}
