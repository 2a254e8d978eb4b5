/**
 * The FAQ bot (issue 15, deliverable 2): answers customers from a knowledge base of Markdown articles
 * (BOT_KNOWLEDGE_DIR; a zh/en demo base ships in knowledge/) only when confident, and otherwise (always for
 * `complaint` and `human_agent`) hands the conversation to a person with the intent and a short summary.
 *
 * Pieces: front-matter.ts (a tiny parser), knowledge-base.ts (load and validate, BOT_ERR_… codes),
 * tokenizer.ts (Chinese words via Intl.Segmenter + bigrams, English stems), retrieval.ts (BM25, minisearch),
 * decide.ts (the pure answer-or-handoff rule and its confidence), faq-bot.ts (all of it behind `ask`).
 * See docs/ai.md ("FAQ bot") for the measured precision and handoff accuracy.
 */
export { parseFrontMatter, type FrontMatterResult, type FrontMatterValue } from './front-matter.js';
export { articleFromText, loadKnowledgeBase, SHIPPED_KNOWLEDGE_DIR, type Article, type ArticleError, type ArticleLang } from './knowledge-base.js';
export { botTokens } from './tokenizer.js';
export { KnowledgeIndex, type Retrieval, type RetrievalHit } from './retrieval.js';
export { decide, answerConfidence, intentAgreement, handoffSummary, ALWAYS_HANDOFF, DEFAULT_MIN_CONFIDENCE, type BotDecision, type HandoffReason } from './decide.js';
export { FaqBot, answerText, HANDOFF_MESSAGE, type BotReply, type FaqBotOptions } from './faq-bot.js';
export { parseBotEval, evaluateBot, type BotEvalRow, type BotEvalReport } from './eval.js';
export { BotResponder, type BotOutbound, type BotReplyFn, type BotHandoff, type BotOutcome, type BotResponderOptions } from './bot-responder.js';
export { botSwitch, type BotSwitch, type BotSwitchContext } from './bot-switch.js';
export { ClarifyStore, CLARIFY_TOPICS, clarifyQuestion, parseMenuChoice, isUnclear, ROUTED_MESSAGE, MAX_CLARIFY_QUESTIONS, type ClarifyKind, type PendingClarification } from './clarify.js';
