import { fetchDrill } from '../../api/metrics-client.js';
import type { AppState } from '../../app/store.js';
import { h, setText } from '../../dom.js';
import { translator, type Locale, type MessageKey } from '../../i18n/index.js';
import type { DrillConversation } from '../../api/metric-types.js';
import { consoleLink, drillRows, type DrillRequest } from './drill-request.js';

export interface DrillDeps {
  fetch: typeof fetch;
  getKey(): string | null;
  onUnauthorized(): void;
}

type Load = { kind: 'loading' } | { kind: 'ok'; conversations: DrillConversation[] } | { kind: 'error'; message: string };

const COLUMNS: MessageKey[] = [
  'board.drill.col.conversation',
  'board.drill.col.customer',
  'board.drill.col.channel',
  'board.drill.col.agent',
  'board.drill.col.started',
  'board.drill.col.frt',
  'board.drill.col.outcome',
];

/**
 * The drill-down drawer: lists the conversations behind a tile or a chart bucket
 * (`GET /v1/metrics/{kpi}/conversations`), each with links to the conversation and the customer.
 * A newer request cancels the one in flight; Escape or the close button hides it.
 */
export function createDrillPanel(deps: DrillDeps) {
  const heading = h('h2', { class: 'drill-title', id: 'drill-title' });
  const scope = h('p', { class: 'drill-scope' });
  const status = h('p', { class: 'drill-status', 'data-testid': 'drill-status' });
  const table = h('table', { class: 'drill-table', 'data-testid': 'drill-table' });
  const close = h('button', { type: 'button', class: 'drill-close', 'data-testid': 'drill-close' });
  const el = h('aside', { class: 'drill', 'data-testid': 'drill-panel', hidden: true, role: 'dialog', 'aria-labelledby': 'drill-title' }, [
    h('header', { class: 'drill-head' }, [h('div', {}, [heading, scope]), close]),
    status,
    h('div', { class: 'drill-body' }, [table]),
  ]);

  let request: DrillRequest | null = null;
  let load: Load = { kind: 'loading' };
  let locale: Locale = 'en';
  let timeZone: string | undefined;
  let controller: AbortController | null = null;
  let painted = '';

  const hide = () => {
    controller?.abort();
    request = null;
    el.hidden = true;
  };
  close.addEventListener('click', hide);
  const onKey = (e: KeyboardEvent) => e.key === 'Escape' && !el.hidden && hide();
  document.addEventListener('keydown', onKey);

  function paint(): void {
    const t = translator(locale);
    setText(close, t('board.drill.close'));
    if (!request) return;
    setText(heading, t('board.drill.title', { kpi: t(`kpi.name.${request.query.kpi}` as MessageKey) }));
    setText(scope, request.scope(t));
    el.dataset.state = load.kind;
    setText(
      status,
      load.kind === 'loading'
        ? t('board.drill.loading')
        : load.kind === 'error'
          ? t('board.drill.error', { message: load.message })
          : load.conversations.length
            ? t('board.drill.count', { n: load.conversations.length })
            : t('board.drill.empty'),
    );
    const key = JSON.stringify([locale, load]);
    if (key === painted) return;
    painted = key;
    const rows = load.kind === 'ok' ? drillRows(load.conversations, locale, t, timeZone) : [];
    table.replaceChildren(
      h('thead', {}, [
        h(
          'tr',
          {},
          COLUMNS.map((c) => h('th', { scope: 'col' }, [t(c)])),
        ),
      ]),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h('tr', { 'data-conversation-id': r.conversationId }, [
            h('td', {}, [h('a', { href: consoleLink.conversation(r.conversationId), class: 'mono', 'data-testid': 'drill-conversation' }, [r.conversationId])]),
            h('td', {}, [h('a', { href: consoleLink.customer(r.customerKey), class: 'mono', 'data-testid': 'drill-customer' }, [r.customerKey])]),
            h('td', {}, [r.channel]),
            h('td', {}, [r.agent]),
            h('td', { class: 'num' }, [r.started]),
            h('td', { class: 'num' }, [r.firstResponse]),
            h('td', {}, [r.outcome]),
          ]),
        ),
      ),
    );
  }

  return {
    el,
    /** Opens the drawer on a request and loads it. */
    async open(req: DrillRequest): Promise<void> {
      controller?.abort();
      const mine = (controller = new AbortController());
      request = req;
      load = { kind: 'loading' };
      el.hidden = false;
      paint();
      const key = deps.getKey();
      if (!key) return deps.onUnauthorized();
      const result = await fetchDrill(deps.fetch, key, req.query, mine.signal);
      if (mine !== controller) return;
      if (result.kind === 'unauthorized') return deps.onUnauthorized();
      load = result.kind === 'ok' ? { kind: 'ok', conversations: result.data } : { kind: 'error', message: result.message };
      paint();
    },
    render(state: AppState) {
      locale = state.locale;
      timeZone = state.board?.time_zone;
      if (!state.signedIn || state.route !== 'board') hide();
      paint();
    },
    destroy() {
      controller?.abort();
      document.removeEventListener('keydown', onKey);
    },
  };
}
