import { h, setText } from '../dom.js';
import { formatDuration } from '../format/duration.js';
import { labelOf, type PaneContext } from './labels.js';
import { isManager, type ConsoleState } from './state.js';
import { POLICIES, type RoutingOverview } from './types.js';

/** Managers (and admins): their teams' queues with a policy switch (applied at run time) and agents' load. */
export function createTeamPane(actions: { setPolicy(group: string, policy: string): void }) {
  const title = h('h2', { class: 'panel-title' });
  const queues = h('table', { class: 'data-table', 'data-testid': 'team-queues' });
  const agents = h('table', { class: 'data-table', 'data-testid': 'team-agents' });
  const el = h('section', { class: 'panel console-team', 'data-testid': 'team-pane', hidden: true }, [
    h('header', { class: 'panel-head' }, [title]),
    h('div', { class: 'panel-body team-body' }, [queues, agents]),
  ]);
  el.addEventListener('change', (e) => {
    const sel = (e.target as Element).closest<HTMLSelectElement>('select[data-group]');
    if (sel) actions.setPolicy(sel.dataset.group!, sel.value);
  });

  let shown: { routing?: RoutingOverview | null; locale?: string } = {};
  return {
    el,
    render(s: ConsoleState, ctx: PaneContext) {
      const { t, locale } = ctx;
      el.hidden = !isManager(s.me) || !s.routing;
      setText(title, t('console.team.title'));
      if (!s.routing || (shown.routing === s.routing && shown.locale === locale)) return;
      shown = { routing: s.routing, locale };
      const r = s.routing;
      queues.replaceChildren(
        h('thead', {}, [
          h('tr', {}, [
            h('th', {}, [t('console.queue.title')]),
            h('th', { class: 'num' }, [t('console.team.waiting')]),
            h('th', {}, [t('console.team.policy')]),
          ]),
        ]),
        h(
          'tbody',
          {},
          r.queues.map((q) => {
            const options = [...new Set([...POLICIES, q.policy])].map((p) =>
              h('option', { value: p, selected: p === q.policy }, [labelOf(t, 'console.policy', p)]),
            );
            return h('tr', { 'data-group': q.group }, [
              h('td', {}, [labelOf(t, 'console.group', q.group)]),
              h('td', { class: 'num' }, [`${q.length} · ${formatDuration(q.oldest_wait_ms, locale)}`]),
              h('td', {}, [h('select', { 'data-group': q.group, 'data-testid': 'policy-select' }, options)]),
            ]);
          }),
        ),
      );
      agents.replaceChildren(
        h('thead', {}, [
          h('tr', {}, [h('th', {}, [t('console.team.agent')]), h('th', {}, [t('console.team.presence')]), h('th', { class: 'num' }, [t('console.team.load')])]),
        ]),
        h(
          'tbody',
          {},
          r.agents.length
            ? r.agents.map((a) =>
                h('tr', { 'data-agent': a.id }, [
                  h('td', {}, [`${a.id} · ${a.team}`]),
                  h('td', {}, [labelOf(t, 'console.presence', a.presence)]),
                  h('td', { class: 'num' }, [`${a.open}/${a.capacity}`]),
                ]),
              )
            : [h('tr', {}, [h('td', { colspan: 3, class: 'muted' }, [t('console.team.empty')])])],
        ),
      );
    },
  };
}
