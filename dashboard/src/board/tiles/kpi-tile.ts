import type { AppState, View } from '../../app/store.js';
import { h, setAttr, setText } from '../../dom.js';
import { formatPercent } from '../../format/number.js';
import { translator } from '../../i18n/index.js';
import type { BreakdownRow, TileDef } from './definitions.js';

/**
 * A KPI tile: title, window, big value (`data-value` holds the raw number, '' when unknown), an optional
 * stacked share bar, and a "by channel" disclosure that opens a breakdown table over the page.
 */
export function createKpiTile(def: TileDef): View {
  const title = h('h2', { class: 'tile-title' });
  const windowLabel = h('span', { class: 'tile-window' });
  const value = h('div', { class: 'tile-value', 'data-value': '' }, ['—']);
  const note = h('div', { class: 'tile-note' });
  const bar = h('div', { class: 'share-bar', 'aria-hidden': 'true' });
  const summary = h('summary', { class: 'breakdown-toggle' });
  const table = h('table', { class: 'breakdown-table' });
  const details = h('details', { class: 'breakdown', 'data-testid': `${def.testid}-breakdown` }, [
    summary,
    h('div', { class: 'breakdown-pop' }, [table]),
  ]);
  const el = h('section', { class: 'tile', 'data-testid': def.testid }, [
    h('div', { class: 'tile-head' }, [title, windowLabel]),
    value,
    def.shareBar ? bar : note,
    details,
  ]);

  // Close the popover on outside click or Escape, like a menu.
  const onDocClick = (e: MouseEvent) => {
    if (details.open && !details.contains(e.target as Node)) details.open = false;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && details.open) details.open = false;
  };
  document.addEventListener('click', onDocClick);
  document.addEventListener('keydown', onKey);

  let lastRowsKey = '';

  return {
    el,
    render(state: AppState) {
      const ctx = { locale: state.locale, t: translator(state.locale) };
      setText(title, ctx.t(def.titleKey));
      const board = state.board;
      setText(windowLabel, ctx.t('tile.window', { n: board?.window_minutes ?? 60 }));
      const raw = board ? def.value(board) : null;
      setText(value, board ? def.format(raw, ctx) : '—');
      setAttr(value, 'data-value', raw === null ? '' : String(raw));
      setText(summary, ctx.t('tile.byChannel'));
      const rows = board ? def.breakdown(board, ctx) : [];
      if (!def.shareBar) setText(note, board ? (def.note(board, ctx) ?? '') : '');
      const rowsKey = JSON.stringify([state.locale, rows]);
      if (rowsKey === lastRowsKey) return;
      lastRowsKey = rowsKey;
      if (def.shareBar) renderBar(bar, rows);
      renderTable(table, rows, ctx.t('tile.noChannels'), state.locale);
    },
    destroy() {
      document.removeEventListener('click', onDocClick);
      document.removeEventListener('keydown', onKey);
    },
  };
}

function renderBar(bar: HTMLElement, rows: BreakdownRow[]): void {
  bar.replaceChildren(
    ...rows.map((r) => {
      const seg = h('span', { class: 'share-seg', title: `${r.label} ${r.text}` });
      seg.style.flexGrow = String(r.share ?? 0);
      seg.style.background = r.color;
      return seg;
    }),
  );
}

function renderTable(table: HTMLElement, rows: BreakdownRow[], emptyText: string, locale: AppState['locale']): void {
  if (!rows.length) {
    table.replaceChildren(h('tbody', {}, [h('tr', {}, [h('td', { class: 'breakdown-empty' }, [emptyText])])]));
    return;
  }
  table.replaceChildren(
    h(
      'tbody',
      {},
      rows.map((r) => {
        const dot = h('i', { class: 'dot' });
        dot.style.background = r.color;
        return h('tr', { 'data-channel': r.channel, 'data-raw': r.raw === null ? '' : String(r.raw) }, [
          h('th', { scope: 'row' }, [dot, r.label]),
          h('td', { class: 'num' }, [r.text]),
          h('td', { class: 'num muted' }, [r.share !== null ? formatPercent(r.share, locale) : (r.note ?? '')]),
        ]);
      }),
    ),
  );
}
