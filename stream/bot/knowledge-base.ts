/**
 * The FAQ bot's knowledge base: a folder of Markdown files, one article each, with front matter `id`, `title`,
 * `lang` (zh | en), optional `intents` (of the nine) and `tags`. Loading validates every file and reports each
 * bad one with a catalogue code (BOT_ERR_…) and the file; good articles beside a bad one still load.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorCode } from '../../shared/errors.js';
import { INTENTS, type Intent } from '../intent/intent-port.js';
import { parseFrontMatter } from './front-matter.js';

export type ArticleLang = 'zh' | 'en';

export interface Article {
  id: string;
  title: string;
  lang: ArticleLang;
  intents: Intent[];
  tags: string[];
  /** The Markdown body: what the bot sends as its answer. */
  body: string;
  /** File name inside the knowledge folder, for error messages and the console. */
  file: string;
}

export interface ArticleError {
  file: string;
  code: Extract<ErrorCode, `BOT_ERR_${string}`>;
  line?: number;
  reason: string;
}

/** The demo base shipped with the repository (zh and en articles about a SaaS sales product). */
export const SHIPPED_KNOWLEDGE_DIR = fileURLToPath(new URL('./knowledge/', import.meta.url));

const ID = /^[a-z0-9][a-z0-9._-]{0,79}$/;

/** Validates one parsed file; pure. */
export function articleFromText(file: string, text: string): { article: Article } | { error: ArticleError } {
  const fm = parseFrontMatter(text);
  if (!fm.ok) return { error: { file, code: fm.code, line: fm.line, reason: fm.reason } };
  const d = fm.data;
  for (const k of ['id', 'title', 'lang'] as const) {
    if (d[k] === undefined || d[k] === '') return { error: { file, code: 'BOT_ERR_MISSING_FIELD', reason: `front matter has no "${k}"` } };
  }
  const bad = (reason: string) => ({ error: { file, code: 'BOT_ERR_BAD_FIELD' as const, reason } });
  if (typeof d.id !== 'string' || !ID.test(d.id)) return bad(`id must be lower-case letters, digits, . _ - (≤ 80), got ${JSON.stringify(d.id)}`);
  if (typeof d.title !== 'string') return bad('title must be one line of text');
  if (d.lang !== 'zh' && d.lang !== 'en') return bad(`lang must be zh or en, got ${JSON.stringify(d.lang)}`);
  const intents = d.intents === undefined ? [] : typeof d.intents === 'string' ? [d.intents] : d.intents;
  const unknown = intents.filter((i) => !(INTENTS as readonly string[]).includes(i));
  if (unknown.length) return bad(`intents must be among ${INTENTS.join(', ')}; unknown: ${unknown.join(', ')}`);
  const tags = d.tags === undefined ? [] : typeof d.tags === 'string' ? [d.tags] : d.tags;
  if (!fm.body) return { error: { file, code: 'BOT_ERR_MISSING_FIELD', reason: 'the article has no body' } };
  return { article: { id: d.id, title: d.title, lang: d.lang, intents: intents as Intent[], tags, body: fm.body, file } };
}

/**
 * Reads every `*.md` file of `dir` (sorted by name, so the result is deterministic). Duplicate ids: the first
 * file keeps the id, the later one is reported as BOT_ERR_DUPLICATE_ID. An unreadable folder is BOT_ERR_IO.
 */
export function loadKnowledgeBase(dir: string = SHIPPED_KNOWLEDGE_DIR): { articles: Article[]; errors: ArticleError[] } {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort();
  } catch (err) {
    return { articles: [], errors: [{ file: dir, code: 'BOT_ERR_IO', reason: `cannot read the knowledge folder: ${(err as Error).message}` }] };
  }
  const articles: Article[] = [];
  const errors: ArticleError[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (err) {
      errors.push({ file, code: 'BOT_ERR_IO', reason: (err as Error).message });
      continue;
    }
    const r = articleFromText(file, text);
    if ('error' in r) {
      errors.push(r.error);
      continue;
    }
    const first = seen.get(r.article.id);
    if (first) {
      errors.push({ file, code: 'BOT_ERR_DUPLICATE_ID', reason: `id "${r.article.id}" is already used by ${first}` });
      continue;
    }
    seen.set(r.article.id, file);
    articles.push(r.article);
  }
  if (files.length === 0) errors.push({ file: dir, code: 'BOT_ERR_EMPTY', reason: 'the knowledge folder holds no .md article' });
  return { articles, errors };
}
