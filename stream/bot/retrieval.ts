/**
 * BM25 retrieval over the knowledge base (minisearch), with the bot tokenizer on both sides. A question is
 * searched among articles of its own language (zh and mixed → zh articles, en → en, no letters → all), so the
 * two language versions of one topic never compete. Each hit carries its BM25 score and the IDF-weighted share
 * of the question's terms the article contains (`coverage`), the inputs of the bot's confidence (decide.ts).
 */
import MiniSearch from 'minisearch';
import { detectLanguage, normalise } from '../intent/text.js';
import type { Article, ArticleLang } from './knowledge-base.js';
import { botTokens } from './tokenizer.js';

export interface RetrievalHit {
  article: Article;
  /** BM25 score (minisearch's BM25+, field-boosted); only comparable within one question. */
  score: number;
  /** IDF-weighted share in [0, 1] of the question's distinct terms found in the article. */
  coverage: number;
}

export interface Retrieval {
  /** The language searched in (null: all). */
  lang: ArticleLang | null;
  /** Best first, at most `limit`. */
  hits: RetrievalHit[];
}

interface Doc {
  id: string;
  title: string;
  tags: string;
  body: string;
  lang: ArticleLang;
}

export class KnowledgeIndex {
  readonly articles: readonly Article[];
  private readonly byId = new Map<string, Article>();
  private readonly search: MiniSearch<Doc>;
  private readonly termsOf = new Map<string, Set<string>>();
  private readonly df = new Map<string, number>();

  constructor(articles: readonly Article[]) {
    this.articles = articles;
    this.search = new MiniSearch<Doc>({
      fields: ['title', 'tags', 'body'],
      storeFields: ['lang'],
      tokenize: (text) => botTokens(text),
      processTerm: (t) => t,
      searchOptions: { boost: { title: 2, tags: 2 }, combineWith: 'OR' },
    });
    const docs = articles.map((a) => ({ id: a.id, title: a.title, tags: a.tags.join(' '), body: a.body, lang: a.lang }));
    this.search.addAll(docs);
    for (const d of docs) {
      this.byId.set(
        d.id,
        articles.find((a) => a.id === d.id)!,
      );
      const terms = new Set(botTokens(`${d.title} ${d.tags} ${d.body}`));
      this.termsOf.set(d.id, terms);
      for (const t of terms) this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
  }

  /** IDF of a term; terms no article holds weigh like a term of one article (evidence of another topic, but bigrams across word boundaries are common and carry little). */
  private idf(term: string): number {
    const n = this.articles.length;
    const df = this.df.get(term) ?? 1;
    return Math.log(1 + (n - Math.max(df, 0.5) + 0.5) / (Math.max(df, 0.5) + 0.5));
  }

  /** The language a question is searched in. */
  static langFor(question: string): ArticleLang | null {
    const l = detectLanguage(normalise(question));
    return l === 'en' ? 'en' : l === 'zh' || l === 'mixed' ? 'zh' : null;
  }

  /** BM25 search; deterministic (ties broken by id). */
  query(question: string, limit = 5): Retrieval {
    const lang = KnowledgeIndex.langFor(question);
    const qTerms = [...new Set(botTokens(question))];
    if (qTerms.length === 0 || this.articles.length === 0) return { lang, hits: [] };
    const total = qTerms.reduce((s, t) => s + this.idf(t), 0);
    const results = this.search.search(qTerms.join(' '), { tokenize: (s) => s.split(' '), ...(lang ? { filter: (r) => r.lang === lang } : {}) });
    results.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    const hits = results.slice(0, limit).map((r) => {
      const id = r.id as string; // MiniSearch types ids as any; ours are the article ids
      const terms = this.termsOf.get(id)!;
      const found = qTerms.reduce((s, t) => s + (terms.has(t) ? this.idf(t) : 0), 0);
      return { article: this.byId.get(id)!, score: r.score, coverage: total > 0 ? found / total : 0 };
    });
    return { lang, hits };
  }
}
