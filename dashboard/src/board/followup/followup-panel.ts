import type { AppState, View } from '../../app/store.js';
import { h, setText } from '../../dom.js';
import { formatDecimal } from '../../format/number.js';
import { translator, type MessageKey } from '../../i18n/index.js';
import { consoleRequest } from '../../console/api.js';
import type { DrillDeps } from '../drill/drill-panel.js';

/** GET /v1/followups/summary. */
export interface FollowupSummary {
  window_minutes: number;
  sent: number;
  replied: number;
  converted: number;
  opted_out: number;
  running: number;
}

/** The panel's figures in order, with their labels (pure). */
export function followupFigures(s: FollowupSummary): Array<[MessageKey, number, string]> {
  return [
    ['board.followup.sent', s.sent, 'sent'],
    ['board.followup.replied', s.replied, 'replied'],
    ['board.followup.converted', s.converted, 'converted'],
    ['board.followup.optedOut', s.opted_out, 'opted_out'],
    ['board.followup.running', s.running, 'running'],
  ];
}

const REFRESH_MS = 30_000;

/**
 * The board's follow-up panel: messages sent, sequences that ended in a reply or a conversion, opt-outs (last
 * 24 h) and timers running now. Hidden where follow-up is off (the route answers 404).
 */
export function createFollowupPanel(deps: DrillDeps): View {
  const title = h('h2', { class: 'board-section' });
  const figures = h('div', { class: 'tiles', 'data-testid': 'followup-figures' });
  const el = h('section', { class: 'followup-panel', 'data-testid': 'followup-panel', hidden: true }, [title, figures]);
  let data: FollowupSummary | null = null;
  let state: AppState | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let off = false;

  async function load() {
    const key = deps.getKey();
    if (!key || off) return;
    const r = await consoleRequest<FollowupSummary>(deps.fetch, key, 'GET', '/v1/followups/summary?minutes=1440');
    if (!r.ok && r.status === 404) off = true;
    if (r.ok) data = r.data;
    paint();
  }

  function paint() {
    if (!state) return;
    const t = translator(state.locale);
    el.hidden = off || !data;
    setText(title, t('board.followup.title'));
    if (!data) return;
    figures.replaceChildren(
      ...followupFigures(data).map(([label, n, id]) =>
        h('section', { class: 'tile', 'data-figure': id }, [
          h('h2', { class: 'tile-title' }, [t(label)]),
          h('div', { class: 'tile-value' }, [formatDecimal(n, state!.locale)]),
        ]),
      ),
    );
  }

  return {
    el,
    render(next: AppState) {
      const was = state;
      state = next;
      const show = next.signedIn && next.route === 'board';
      if (show && !timer) {
        void load();
        timer = setInterval(() => void load(), REFRESH_MS);
      } else if (!show && timer) {
        clearInterval(timer);
        timer = undefined;
      }
      if (was?.locale !== next.locale) paint();
    },
    destroy() {
      clearInterval(timer);
    },
  };
}
