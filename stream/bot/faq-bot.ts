/**
 * The FAQ bot: intent (the built-in classifier) + BM25 retrieval + the pure decision, and the customer-facing
 * text of either outcome. Deterministic; no clock, no I/O after construction.
 */
import { BuiltinIntentClassifier } from '../intent/builtin-classifier.js';
import type { IntentResult } from '../intent/intent-port.js';
import { decide, DEFAULT_MIN_CONFIDENCE, type BotDecision } from './decide.js';
import type { Article, ArticleLang } from './knowledge-base.js';
import { KnowledgeIndex, type Retrieval } from './retrieval.js';

/** What the customer is told when a person takes over, in the question's language. */
export const HANDOFF_MESSAGE: Readonly<Record<ArticleLang, string>> = Object.freeze({
  zh: '这个问题我帮您转给人工客服，请稍候，马上有同事为您服务。',
  en: "I'm handing you over to a member of our team; a person will be with you shortly.",
});

export interface BotReply {
  decision: BotDecision;
  intent: IntentResult;
  retrieval: Retrieval;
  /** The text for the customer: the article (without its `# title` line) or the handoff message. */
  answer: string;
}

export interface FaqBotOptions {
  articles: readonly Article[];
  /** BOT_MIN_CONFIDENCE, default 0.5. */
  minConfidence?: number;
  classifier?: Pick<BuiltinIntentClassifier, 'classifySync'>;
}

/** The article body as a reply: the leading `# title` heading is dropped (the title is in the front matter). */
export function answerText(article: Article): string {
  return article.body.replace(/^#[^\n]*\n+/, '').trim();
}

export class FaqBot {
  readonly index: KnowledgeIndex;
  readonly minConfidence: number;
  private readonly classifier: Pick<BuiltinIntentClassifier, 'classifySync'>;

  constructor(o: FaqBotOptions) {
    this.index = new KnowledgeIndex(o.articles);
    this.minConfidence = o.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    this.classifier = o.classifier ?? new BuiltinIntentClassifier();
  }

  ask(question: string): BotReply {
    const intent = this.classifier.classifySync(question);
    const retrieval = this.index.query(question);
    const decision = decide(question, intent, retrieval, this.minConfidence);
    const answer = decision.kind === 'answer' ? answerText(decision.article) : HANDOFF_MESSAGE[retrieval.lang ?? 'zh'];
    return { decision, intent, retrieval, answer };
  }
}
