/**
 * Agents' labels (issue 15): intent corrections and bot-answer verdicts made in the console, stored append-only
 * behind the LabelStore port (file adapter under DATA_DIR/labels/), read by `omnilane intent train`, and compared
 * with the model by the agreement report (docs/ai.md, Correcting labels).
 */
export type { LabelStore, IntentCorrectionRecord, BotFeedbackRecord } from './label-store.js';
export { FileLabelStore, labelPaths } from './file-label-store.js';
export { agreementReport, formatAgreementReport, type AgreementReport } from './agreement.js';
