import type { AppState, View } from '../app/store.js';
import { h, setAttr, setText } from '../dom.js';
import { createChartHost } from '../board/charts/chart-host.js';
import { formatClock, formatDecimal } from '../format/number.js';
import { translator, type MessageKey, type Translate } from '../i18n/index.js';
import { fetchAttribution, fetchFunnel, fetchTransitions, runAttribution, type ApiResult } from './api.js';
import { attributionTableRows, buildFunnelOption, buildMarkovGraphOption, buildModelsOption, funnelTableRows, type AttributionChartOption } from './options.js';
import { FUNNEL_BY, type AttributionData, type FunnelBy, type FunnelData, type Metric, type TransitionsData } from './types.js';

export interface AttributionViewDeps {
  fetch: typeof fetch;
  /** the API key in use, or null when signed out */
  getKey(): string | null;
  /** the server rejected the key */
  onUnauthorized(): void;
}

const FUNNEL_WINDOW_HOURS = 168;

/** A chart box with its empty state: the board's chart host (created on first data, follows resizes) inside. */
function chartBox(testid: string, extraClass = '') {
  const el = h('div', { class: `chart ${extraClass}`.trim(), 'data-testid': testid, role: 'img' });
  const emptyTitle = h('strong');
  const empty = h('div', { class: 'chart-empty', 'data-testid': `${testid}-empty`, hidden: true }, [emptyTitle]);
  const host = createChartHost<AttributionChartOption>(el, undefined, { mirrorDrawnText: true });
  return {
    body: h('div', { class: 'panel-body' }, [el, empty]),
    el,
    show(option: AttributionChartOption | null, emptyText: string, label: string) {
      el.setAttribute('aria-label', label);
      empty.hidden = option !== null;
      el.dataset.empty = String(option === null);
      setText(emptyTitle, emptyText);
      if (!option) return;
      host.set(option, true);
    },
    dispose() {
      host.destroy();
    },
  };
}

function panel(titleEl: HTMLElement, extra: HTMLElement[], body: HTMLElement, span: string, testid?: string) {
  return h('section', { class: `panel panel--${span}`, 'data-testid': testid }, [
    h('header', { class: 'panel-head panel-head--tools' }, [titleEl, ...extra]),
    body,
  ]);
}

/**
 * The attribution screen (`#/attribution`): models side by side per channel (conversions or value), the table of
 * credits with Markov removal effects and bootstrap intervals, the Markov transition graph, and the funnel
 * explorer by channel, source or segment. Loads when shown, on "Refresh", and after "Run now".
 */
export function createAttributionView(deps: AttributionViewDeps): View {
  let state: AppState | null = null;
  let attribution: AttributionData | null = null;
  let transitions: TransitionsData | null = null;
  let funnel: FunnelData | null = null;
  let metric: Metric = 'conversions';
  let funnelBy: FunnelBy = 'channel';
  let error: { key: MessageKey; message: string } | null = null;
  let visible = false;
  let loading = 0;
  let running = false;

  const title = h('h1', { class: 'attr-title' });
  const summary = h('p', { class: 'attr-summary', 'data-testid': 'attr-summary' });
  const refresh = h('button', { class: 'btn-tool', type: 'button', 'data-testid': 'attr-refresh' });
  const run = h('button', { class: 'btn-tool', type: 'button', 'data-testid': 'attr-run' });
  const errorEl = h('p', { class: 'attr-error', 'data-testid': 'attr-error', role: 'alert', hidden: true });

  const metricButtons = (['conversions', 'value'] as const).map((m) => h('button', { type: 'button', class: 'seg', 'data-metric': m }));
  const metricSwitch = h('div', { class: 'segmented', 'data-testid': 'attr-metric', role: 'group' }, metricButtons);
  const modelsTitle = h('h2', { class: 'panel-title' });
  const models = chartBox('chart-attribution-models');

  const graphTitle = h('h2', { class: 'panel-title' });
  const graph = chartBox('chart-markov-graph', 'chart--graph');

  const tableTitle = h('h2', { class: 'panel-title' });
  const table = h('table', { class: 'data-table', 'data-testid': 'attribution-table' });

  const funnelTitle = h('h2', { class: 'panel-title' });
  const byLabel = h('span');
  const byOptions = FUNNEL_BY.map((b) => h('option', { value: b }));
  const bySelect = h('select', { 'data-testid': 'funnel-by' }, byOptions);
  const windowLabel = h('span', { class: 'muted' });
  const funnelChart = chartBox('chart-funnel');
  const funnelTable = h('table', { class: 'data-table', 'data-testid': 'funnel-table' });

  const el = h('main', { class: 'board attr', 'data-testid': 'attribution-view', hidden: true }, [
    h('div', { class: 'attr-head' }, [h('div', {}, [title, summary]), h('div', { class: 'attr-actions' }, [refresh, run])]),
    errorEl,
    h('div', { class: 'charts' }, [
      // full width: every channel name fits under the bars, and the layered graph has room for its layers
      panel(modelsTitle, [metricSwitch], models.body, 'full'),
      panel(graphTitle, [], graph.body, 'full'),
      panel(tableTitle, [], h('div', { class: 'table-wrap' }, [table]), 'full'),
      panel(
        funnelTitle,
        [h('label', { class: 'tool-label' }, [byLabel, bySelect]), windowLabel],
        h('div', {}, [funnelChart.body, h('div', { class: 'table-wrap' }, [funnelTable])]),
        'full',
      ),
    ]),
  ]);

  const settle = <T>(r: ApiResult<T>, what: string): T | null => {
    if (r.kind === 'ok') return r.data;
    if (r.kind === 'unauthorized') deps.onUnauthorized();
    else error = { key: 'attr.error', message: `${what}: ${r.message}` };
    return null;
  };

  async function loadFunnel() {
    const key = deps.getKey();
    if (!key) return;
    const by = funnelBy;
    const r = await fetchFunnel(deps.fetch, key, by, FUNNEL_WINDOW_HOURS);
    if (by !== funnelBy) return; // a newer selection is on its way
    const data = settle(r, 'funnel');
    if (data) funnel = data;
    paint();
  }

  async function load() {
    const key = deps.getKey();
    if (!key) return;
    const mine = ++loading;
    error = null;
    const [a, tr] = await Promise.all([fetchAttribution(deps.fetch, key), fetchTransitions(deps.fetch, key), loadFunnel()]);
    if (mine !== loading) return;
    const ad = settle(a, 'attribution');
    const td = settle(tr, 'transitions');
    if (ad) attribution = ad;
    if (td) transitions = td;
    el.dataset.loaded = 'true';
    paint();
  }

  refresh.addEventListener('click', () => void load());
  run.addEventListener('click', () => {
    const key = deps.getKey();
    if (!key || running) return;
    running = true;
    paint();
    void runAttribution(deps.fetch, key).then((r) => {
      running = false;
      settle(r, 'run');
      return load();
    });
  });
  for (const b of metricButtons) {
    b.addEventListener('click', () => {
      metric = b.dataset.metric as Metric;
      paint();
    });
  }
  bySelect.addEventListener('change', () => {
    funnelBy = bySelect.value as FunnelBy;
    void loadFunnel();
  });

  function renderTable(t: Translate) {
    const ctx = { locale: state!.locale, t };
    const head = h(
      'tr',
      {},
      (['attr.col.model', 'attr.col.channel', 'attr.col.removal', 'attr.col.conversions', 'attr.col.ci', 'attr.col.value', 'attr.col.ci'] as const).map(
        (k, i) => h('th', { class: i >= 2 ? 'num' : undefined }, [t(k)]),
      ),
    );
    const rows = attribution ? attributionTableRows(attribution, ctx) : [];
    const cell = (text: string, field: string, raw: number | null) =>
      h('td', { class: 'num', 'data-field': field, 'data-value': raw === null ? '' : String(raw) }, [text]);
    const body = rows.map((r) =>
      h('tr', { 'data-model': r.model, 'data-channel': r.channel }, [
        h('td', {}, [r.modelLabel]),
        h('td', {}, [r.channelLabel]),
        cell(r.text.removal, 'removal_effect', r.removal_effect),
        cell(r.text.conversions, 'conversions', r.conversions),
        h('td', { class: 'num muted', 'data-field': 'conversions_ci', 'data-value': r.conversions_ci ? r.conversions_ci.join(',') : '' }, [
          r.text.conversionsCi,
        ]),
        cell(r.text.value, 'value', r.value),
        h('td', { class: 'num muted', 'data-field': 'value_ci', 'data-value': r.value_ci ? r.value_ci.join(',') : '' }, [r.text.valueCi]),
      ]),
    );
    table.replaceChildren(h('thead', {}, [head]), h('tbody', {}, body));
  }

  function renderFunnelTable(t: Translate) {
    if (!funnel) return funnelTable.replaceChildren();
    const ctx = { locale: state!.locale, t };
    const head = h('tr', {}, [
      h('th', {}, [t('funnel.col.group')]),
      ...(
        [
          'funnel.step.inquiry',
          'funnel.step.opportunity',
          'funnel.step.deal',
          'funnel.col.toOpportunity',
          'funnel.col.toDeal',
          'funnel.col.overall',
          'funnel.col.timeToDeal',
        ] as const
      ).map((k) => h('th', { class: 'num' }, [t(k)])),
    ]);
    const body = funnelTableRows(funnel, ctx).map((r) =>
      h('tr', { 'data-key': r.key, class: r.total ? 'total' : undefined }, [
        h('td', {}, [r.label]),
        ...r.counts.map((c, i) =>
          h('td', { class: 'num', 'data-field': ['inquiries', 'opportunities', 'deals'][i], 'data-value': String(c) }, [formatDecimal(c, ctx.locale, 0)]),
        ),
        ...r.rates.map((v, i) =>
          h('td', { class: 'num', 'data-field': ['opportunity_rate', 'deal_rate', 'overall_rate'][i], 'data-value': String(v) }, [r.text.rates[i]]),
        ),
        h('td', { class: 'num' }, [r.text.timeToDeal]),
      ]),
    );
    funnelTable.replaceChildren(h('thead', {}, [head]), h('tbody', {}, body));
  }

  function paint() {
    if (!state || !visible) return;
    const t = translator(state.locale);
    const ctx = { locale: state.locale, t };
    setText(title, t('attr.title'));
    const latest = attribution?.models[0];
    setText(
      summary,
      latest
        ? t('attr.summary', {
            time: formatClock(latest.run_at, state.locale),
            journeys: latest.journeys,
            conversions: formatDecimal(latest.total_conversions, state.locale, 0),
            from: latest.window_from.slice(0, 10),
            to: latest.window_to.slice(0, 10),
          })
        : t('attr.emptyHint'),
    );
    setText(refresh, t('attr.refresh'));
    setText(run, running ? t('attr.running') : t('attr.run'));
    run.disabled = running;
    errorEl.hidden = !error;
    setText(errorEl, error ? t(error.key, { message: error.message }) : '');

    setText(modelsTitle, t('attr.models'));
    for (const b of metricButtons) {
      setText(b, t(b.dataset.metric === 'value' ? 'attr.metric.value' : 'attr.metric.conversions'));
      b.classList.toggle('is-active', b.dataset.metric === metric);
      setAttr(b, 'aria-pressed', String(b.dataset.metric === metric));
    }
    const hasModels = !!attribution && attribution.models.length > 0;
    models.show(hasModels ? buildModelsOption(attribution!, metric, ctx) : null, t('attr.empty'), t('attr.models'));
    setText(graphTitle, t('attr.graph'));
    const hasGraph = !!transitions && transitions.transitions.length > 0;
    graph.show(hasGraph ? buildMarkovGraphOption(transitions!, ctx) : null, t('attr.graphEmpty'), t('attr.graph'));
    setText(tableTitle, t('attr.table'));
    renderTable(t);

    setText(funnelTitle, t('funnel.title'));
    setText(byLabel, t('funnel.by'));
    byOptions.forEach((o, i) => setText(o, t(`funnel.by.${FUNNEL_BY[i]}`)));
    if (bySelect.value !== funnelBy) bySelect.value = funnelBy;
    setText(windowLabel, t('funnel.window', { hours: funnel?.window_hours ?? FUNNEL_WINDOW_HOURS }));
    const hasFunnel = !!funnel && funnel.groups.length > 0;
    funnelChart.show(hasFunnel ? buildFunnelOption(funnel!, ctx) : null, t('funnel.empty'), t('funnel.title'));
    renderFunnelTable(t);
  }

  return {
    el,
    render(next: AppState) {
      const prev = state;
      state = next;
      const show = next.signedIn && next.route === 'attribution';
      el.hidden = !show;
      const becameVisible = show && !visible;
      visible = show;
      if (becameVisible) void load();
      if (show && (!prev || prev.locale !== next.locale || becameVisible)) paint();
    },
    destroy() {
      models.dispose();
      graph.dispose();
      funnelChart.dispose();
    },
  };
}
