import type { AppState, View } from '../../app/store.js';
import { h, setText } from '../../dom.js';
import { translator } from '../../i18n/index.js';
import { alertLines } from './alert-model.js';

/** The alert banner over the board: hidden when nothing fires, otherwise one line per firing rule. */
export function createAlertBanner(): View {
  const title = h('strong', { class: 'alert-title' });
  const list = h('ul', { class: 'alert-list' });
  const el = h('section', { class: 'alert-banner', 'data-testid': 'alert-banner', role: 'alert', hidden: true }, [title, list]);
  let painted = '';
  return {
    el,
    render(state: AppState) {
      const lines = alertLines(state.board?.alerts ?? [], state.locale, state.board?.time_zone);
      el.hidden = lines.length === 0;
      const t = translator(state.locale);
      setText(title, t('board.alerts.title'));
      const key = JSON.stringify([state.locale, lines]);
      if (key === painted) return;
      painted = key;
      list.replaceChildren(
        ...lines.map((l) =>
          h('li', { 'data-rule-id': l.ruleId, 'data-kpi': l.kpi }, [
            h('span', { class: 'alert-message' }, [l.message]),
            l.since ? h('span', { class: 'alert-since' }, [t('board.alerts.since', { time: l.since })]) : null,
          ]),
        ),
      );
    },
  };
}
