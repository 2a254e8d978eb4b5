import type { AppState, View } from '../app/store.js';
import { h, setText } from '../dom.js';
import { createChart, type EChartsType } from '../echarts-setup.js';
import { formatDecimal, formatPercent } from '../format/number.js';
import { translator, type MessageKey, type Translate } from '../i18n/index.js';
import type { ApiResult } from '../attribution/api.js';
import { fetchExperimentReport, fetchExperiments } from './api.js';
import { buildLiftOption, callBadge, formatLift, formatMean } from './options.js';
import type { ExperimentReport, ExperimentView } from './types.js';

export interface ExperimentsViewDeps {
  fetch: typeof fetch;
  getKey(): string | null;
  onUnauthorized(): void;
}

/** One small lift chart per metric; the ECharts instance is created on first data (a laid-out box). */
function liftChart(metric: string) {
  const el = h('div', { class: 'chart chart--lift', 'data-testid': `exp-chart-${metric}`, role: 'img' });
  const empty = h('div', { class: 'chart-empty', hidden: true });
  let chart: EChartsType | null = null;
  return {
    el: h('div', { class: 'panel-body' }, [el, empty]),
    show(option: ReturnType<typeof buildLiftOption>, emptyText: string, label: string) {
      el.setAttribute('aria-label', label);
      el.dataset.empty = String(option === null);
      empty.hidden = option !== null;
      setText(empty, emptyText);
      if (!option) return;
      if (!chart) {
        chart = createChart(el);
        const c = chart;
        // Mirror the series the canvas drew (ids and point counts) for assistive tech and the browser tests.
        c.on('finished', () => {
          const series = (c.getOption().series as Array<{ id?: string; data?: unknown[] }>) ?? [];
          el.dataset.series = JSON.stringify(series.map((s) => ({ id: s.id, points: (s.data ?? []).filter((d) => Array.isArray(d) && d[1] !== null).length })));
        });
      }
      chart.setOption(option, { notMerge: true });
    },
    dispose() {
      chart?.dispose();
      chart = null;
    },
  };
}

/**
 * The experiments screen: `#/experiments` lists them, `#/experiments/ID` shows one: the call (ship / keep
 * running / stop) with its reasons and the rule, the sample-ratio check, customers per variant, the metric
 * table (lift, always-valid interval, Holm-adjusted p, probability to beat control, expected loss) and the lift
 * of every metric over time with its interval band.
 */
export function createExperimentsView(deps: ExperimentsViewDeps): View {
  let state: AppState | null = null;
  let list: ExperimentView[] | null = null;
  let report: ExperimentReport | null = null;
  let error: string | null = null;
  let shownId: string | null | undefined;
  let loading = 0;
  let charts: Array<ReturnType<typeof liftChart>> = [];

  const title = h('h1', { class: 'attr-title', 'data-testid': 'exp-title' });
  const summary = h('p', { class: 'attr-summary', 'data-testid': 'exp-summary' });
  const back = h('a', { class: 'btn-tool', href: '#/experiments', 'data-testid': 'exp-back' });
  const refresh = h('button', { class: 'btn-tool', type: 'button', 'data-testid': 'exp-refresh' });
  const errorEl = h('p', { class: 'attr-error', 'data-testid': 'exp-error', role: 'alert', hidden: true });
  const body = h('div', { class: 'charts' });
  const el = h('main', { class: 'board attr', 'data-testid': 'experiments-view', hidden: true }, [
    h('div', { class: 'attr-head' }, [h('div', {}, [title, summary]), h('div', { class: 'attr-actions' }, [back, refresh])]),
    errorEl,
    body,
  ]);

  const settle = <T>(r: ApiResult<T>): T | null => {
    if (r.kind === 'ok') return r.data;
    if (r.kind === 'unauthorized') deps.onUnauthorized();
    else error = r.message;
    return null;
  };

  async function load(id: string | null) {
    const key = deps.getKey();
    if (!key) return;
    const mine = ++loading;
    error = null;
    if (id === null) {
      const r = settle(await fetchExperiments(deps.fetch, key));
      if (mine !== loading) return;
      list = r?.experiments ?? list;
      report = null;
    } else {
      const r = settle(await fetchExperimentReport(deps.fetch, key, id));
      if (mine !== loading) return;
      report = r;
    }
    el.dataset.loaded = 'true';
    paint();
  }
  refresh.addEventListener('click', () => void load(shownId ?? null));

  const table = (head: string[], rows: HTMLElement[], testid: string) =>
    h('div', { class: 'table-wrap' }, [
      h('table', { class: 'data-table', 'data-testid': testid }, [
        h(
          'tr',
          {},
          head.map((x, i) => h('th', { class: i > 0 ? 'num' : undefined }, [x])),
        ),
        ...rows,
      ]),
    ]);
  const section = (titleText: string, content: HTMLElement, testid?: string) =>
    h('section', { class: 'panel panel--full', 'data-testid': testid }, [
      h('header', { class: 'panel-head' }, [h('h2', { class: 'panel-title' }, [titleText])]),
      content,
    ]);

  function paintList(t: Translate) {
    setText(title, t('exp.title'));
    setText(summary, '');
    back.hidden = true;
    if (!list || list.length === 0) {
      body.replaceChildren(h('p', { class: 'muted', 'data-testid': 'exp-list-empty' }, [t('exp.list.empty')]));
      return;
    }
    const rows = list.map((e) =>
      h('tr', { 'data-experiment': e.id }, [
        h('td', {}, [h('a', { href: `#/experiments/${encodeURIComponent(e.id)}`, 'data-testid': `exp-link-${e.id}` }, [e.id])]),
        h('td', { class: 'num' }, [e.name]),
        h('td', { class: 'num' }, [t(`exp.target.${e.target}` as MessageKey)]),
        h('td', { class: 'num' }, [t(`exp.status.${e.status}` as MessageKey)]),
      ]),
    );
    body.replaceChildren(section(t('exp.title'), table([t('exp.col.id'), t('exp.col.name'), t('exp.col.target'), t('exp.col.status')], rows, 'exp-list')));
  }

  function paintReport(r: ExperimentReport, t: Translate) {
    const ctx = { locale: state!.locale, t };
    const e = r.experiment;
    setText(title, e.name);
    setText(
      summary,
      t('exp.summary', {
        target: t(`exp.target.${e.target}` as MessageKey),
        status: t(`exp.status.${e.status}` as MessageKey),
        days: formatDecimal(r.days_running, ctx.locale, 1),
        alpha: String(e.alpha),
      }),
    );
    back.hidden = false;
    const badge = callBadge(r.decision);
    const decision = h(
      'section',
      {
        class: `panel panel--full exp-decision exp-decision--${badge.tone}`,
        'data-testid': 'exp-decision',
        'data-call': r.decision.call,
        'data-variant': r.decision.variant ?? '',
      },
      [
        h('div', { class: 'exp-call', 'data-testid': 'exp-call' }, [t(badge.key, { variant: r.decision.variant ?? '' })]),
        h(
          'ul',
          { class: 'exp-reasons' },
          r.decision.reasons.map((s) => h('li', {}, [s])),
        ),
        h('p', { class: 'muted exp-rule', 'data-testid': 'exp-rule' }, [t('exp.rule')]),
      ],
    );
    const srm = h('p', { class: `exp-srm ${r.srm.mismatch ? 'exp-srm--bad' : ''}`, 'data-testid': 'exp-srm', 'data-mismatch': String(r.srm.mismatch) }, [
      t(r.srm.mismatch ? 'exp.srm.mismatch' : 'exp.srm.ok', { p: r.srm.p_value.toPrecision(3) }),
    ]);
    const units = table(
      [t('exp.col.variant'), t('exp.col.units'), t('exp.col.expected')],
      r.units.map((u) =>
        h('tr', { 'data-variant': u.variant }, [
          h('td', {}, [u.variant]),
          h('td', { class: 'num', 'data-field': 'n' }, [String(u.n)]),
          h('td', { class: 'num' }, [formatPercent(u.expected_share, ctx.locale)]),
        ]),
      ),
      'exp-units',
    );
    const metricRows = r.metrics.flatMap((m) =>
      m.comparisons.map((c) =>
        h('tr', { 'data-metric': m.metric, 'data-variant': c.variant, 'data-verdict': c.verdict }, [
          h('td', {}, [`${t(`exp.metric.${m.metric}` as MessageKey)}${m.primary ? ` · ${t('exp.primary')}` : ''}`]),
          h('td', { class: 'num' }, [c.variant]),
          h('td', { class: 'num' }, [formatMean(m.metric, m.arms[0].mean, ctx)]),
          h('td', { class: 'num' }, [formatMean(m.metric, m.arms.find((a) => a.variant === c.variant)?.mean ?? 0, ctx)]),
          h('td', { class: 'num', 'data-field': 'lift', 'data-value': c.lift === null ? '' : String(c.lift) }, [formatLift(c.lift, ctx)]),
          h('td', { class: 'num muted', 'data-field': 'interval' }, [`[${formatLift(c.lift_lower, ctx)}, ${formatLift(c.lift_upper, ctx)}]`]),
          h('td', { class: 'num', 'data-field': 'adjusted_p' }, [c.adjusted_p.toPrecision(2)]),
          h('td', { class: 'num', 'data-field': 'probability_to_beat' }, [formatPercent(c.probability_to_beat, ctx.locale)]),
          h('td', { class: 'num' }, [formatDecimal(c.expected_loss, ctx.locale, 4)]),
          h('td', { class: 'num' }, [t(`exp.verdict.${c.verdict}` as MessageKey)]),
        ]),
      ),
    );
    const metrics = table(
      [
        t('exp.col.metric'),
        t('exp.col.variant'),
        t('exp.col.control'),
        t('exp.col.treatment'),
        t('exp.col.lift'),
        t('exp.col.interval'),
        t('exp.col.adjustedP'),
        t('exp.col.beat'),
        t('exp.col.loss'),
        t('exp.col.verdict'),
      ],
      metricRows,
      'exp-metrics',
    );
    for (const c of charts) c.dispose();
    charts = r.metrics.map((m) => liftChart(m.metric));
    const chartPanels = r.metrics.map((m, i) =>
      h('section', { class: 'panel panel--half', 'data-testid': `exp-panel-${m.metric}` }, [
        h('header', { class: 'panel-head' }, [h('h2', { class: 'panel-title' }, [`${t(`exp.metric.${m.metric}` as MessageKey)} · ${t('exp.chart.lift')}`])]),
        charts[i].el,
      ]),
    );
    body.replaceChildren(decision, section(t('exp.units'), h('div', {}, [srm, units]), 'exp-units-panel'), section(t('exp.metrics'), metrics), ...chartPanels);
    r.metrics.forEach((m, i) => charts[i].show(buildLiftOption(r, m.metric, ctx), t('exp.chart.empty'), t(`exp.metric.${m.metric}` as MessageKey)));
  }

  function paint() {
    if (!state) return;
    const t = translator(state.locale);
    setText(refresh, t('exp.refresh'));
    setText(back, t('exp.back'));
    errorEl.hidden = !error;
    setText(errorEl, error ? t('exp.error', { message: error }) : '');
    if (shownId && report) paintReport(report, t);
    else if (!shownId) paintList(t);
    else body.replaceChildren();
  }

  return {
    el,
    render(next: AppState) {
      const localeChanged = state?.locale !== next.locale;
      state = next;
      const show = next.signedIn && next.route === 'experiments';
      el.hidden = !show;
      if (!show) return;
      const id = next.experimentId ?? null;
      if (id !== shownId) {
        shownId = id;
        report = null;
        paint();
        void load(id);
      } else if (localeChanged) paint();
    },
    destroy() {
      for (const c of charts) c.dispose();
    },
  };
}
