import type { AppState, View } from '../app/store.js';
import { channelLabel } from '../board/channels.js';
import { consoleLink } from '../board/drill/drill-request.js';
import { h, setText } from '../dom.js';
import { formatDuration } from '../format/duration.js';
import { formatPercent } from '../format/number.js';
import { translator, type Translate } from '../i18n/index.js';
import { fetchInsights } from './api.js';
import type { Insights } from './types.js';

/** Refresh insights at most this often while the board is shown (they are 30-day statistics). */
const REFRESH_MS = 5 * 60_000;

/**
 * The board's insight panel: findings only (a high-volume channel converting significantly below the rest, an
 * agent closing deals significantly faster than the team), each explained with its test, plus the method and
 * the minimum samples; "no significant finding" otherwise. Agents link to their fastest conversations.
 */
export function createInsightsPanel(deps: { fetch: typeof fetch; getKey(): string | null; onUnauthorized(): void }): View {
  let state: AppState | null = null;
  let data: Insights | null = null;
  let error: string | null = null;
  let loadedAt = 0;
  const title = h('h2', { class: 'panel-title' });
  const list = h('ul', { class: 'insight-list', 'data-testid': 'insights-list' });
  const method = h('p', { class: 'muted insight-method', 'data-testid': 'insights-method' });
  const el = h('section', { class: 'panel panel--full', 'data-testid': 'insights-panel' }, [
    h('header', { class: 'panel-head' }, [title]),
    h('div', { class: 'panel-body' }, [list, method]),
  ]);

  async function load() {
    const key = deps.getKey();
    if (!key) return;
    loadedAt = Date.now();
    const r = await fetchInsights(deps.fetch, key);
    if (r.kind === 'ok') {
      data = r.data;
      error = null;
    } else if (r.kind === 'unauthorized') deps.onUnauthorized();
    else error = r.message;
    el.dataset.loaded = 'true';
    paint();
  }

  function paint() {
    if (!state) return;
    const t: Translate = translator(state.locale);
    const locale = state.locale;
    setText(title, t('insights.title'));
    const items: HTMLElement[] = [];
    if (error) items.push(h('li', { class: 'attr-error', 'data-testid': 'insights-error' }, [t('insights.error', { message: error })]));
    for (const c of data?.channels.filter((x) => x.finding) ?? [])
      items.push(
        h('li', { class: 'insight insight--channel', 'data-testid': 'insight-channel', 'data-channel': c.channel }, [
          t('insights.channel', {
            channel: channelLabel(c.channel, t),
            share: formatPercent(c.share, locale),
            rate: formatPercent(c.rate, locale),
            rest: formatPercent(c.rest_rate, locale),
            p: (c.adjusted_p ?? 1).toPrecision(2),
          }),
        ]),
      );
    for (const a of data?.agents.filter((x) => x.finding) ?? [])
      items.push(
        h('li', { class: 'insight insight--agent', 'data-testid': 'insight-agent', 'data-agent': a.agent }, [
          t('insights.agent', {
            agent: a.agent,
            median: formatDuration(a.median_cycle_ms, locale),
            rest: formatDuration(a.rest_median_cycle_ms, locale),
            deals: String(a.deals),
            p: (a.adjusted_p ?? 1).toPrecision(2),
          }),
          h('span', { class: 'insight-links' }, [
            ` ${t('insights.learn')} `,
            ...a.conversations.flatMap((id, i) => [
              i > 0 ? ', ' : '',
              h('a', { href: consoleLink.conversation(id), 'data-testid': 'insight-conversation' }, [id]),
            ]),
          ]),
        ]),
      );
    if (data && items.length === 0) items.push(h('li', { class: 'muted', 'data-testid': 'insights-none' }, [t('insights.none')]));
    list.replaceChildren(...items);
    const minChannel = Math.min(...(data?.channels.map((c) => c.min_sample).filter((n) => n > 0) ?? []));
    setText(
      method,
      data
        ? t('insights.method', {
            n: Number.isFinite(minChannel) ? String(minChannel) : '–',
            d: String(data.agents[0]?.min_sample ?? 10),
            alpha: String(data.alpha),
          })
        : '',
    );
  }

  return {
    el,
    render(next: AppState) {
      const localeChanged = state?.locale !== next.locale;
      state = next;
      if (!next.signedIn || next.route !== 'board') return;
      if (Date.now() - loadedAt > REFRESH_MS) void load();
      else if (localeChanged) paint();
    },
  };
}
