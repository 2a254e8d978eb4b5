import type { AppState, View } from '../../app/store.js';
import { h, setAttr, setText } from '../../dom.js';
import { formatPercent } from '../../format/number.js';
import { translator } from '../../i18n/index.js';
import type { BreakdownRow, TileDef } from './definitions.js';

/**
 * A KPI tile: title, window, big value (`data-value` holds the raw number, '' when unknown), an optional
 * stacked share bar, and a "by channel" disclosure that opens a breakdown table over the page.
 * A tile with a `drill` KPI is a button: a click (or Enter/Space) calls `onDrill`, which lists the
 * conversations behind the value.
 */
export function createKpiTile(def: TileDef, onDrill?: (def: TileDef) => void): View {
  const title = h('h2', { class: 'tile-title' });
  const windowLabel = h('span', { class: 'tile-window' });
  const value = h('div', { class: 'tile-value', 'data-value': '' }, ['—']);
  const note = h('div', { class: 'tile-note' });
  const bar = h('div', { class: 'share-bar', 'aria-hidden': 'true' });
  const summary = h('summary', { class: 'breakdown-toggle' });
  const table = h('table', { class: 'breakdown-table' });
  const details = h('details', { class: 'breakdown', 'data-testid': `${def.testid}-breakdown` }, [summary, h('div', { class: 'breakdown-pop' }, [table])]);
  const drillable = Boolean(def.drill && onDrill);
  const el = h(
    'section',
    { class: drillable ? 'tile tile--drill' : 'tile', 'data-testid': def.testid, role: drillable ? 'button' : null, tabindex: drillable ? 0 : null },
    [h('div', { class: 'tile-head' }, [title, windowLabel]), value, def.shareBar ? bar : note, def.breakdown ? details : null],
  );
  if (drillable) {
    el.addEventListener('click', (e) => {
      // The breakdown popover is its own control.
      if (!details.contains(e.target as Node)) onDrill!(def);
    });
    el.addEventListener('keydown', (e) => {
      if ((e.key === 'Enter' || e.key === ' ') && e.target === el) {
        e.preventDefault();
        onDrill!(def);
      }
    });
  }

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
      if (drillable) setAttr(el, 'title', ctx.t('board.drill.hint'));
      if (!def.shareBar) setText(note, board ? (def.note(board, ctx) ?? '') : '');
      if (!def.breakdown) return;
      setText(summary, ctx.t('tile.byChannel'));
      const rows = board ? def.breakdown(board, ctx) : [];
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
