import { h, setAttr, setText } from '../dom.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import { labelOf, type PaneContext } from './labels.js';
import type { ConsoleState } from './state.js';
import { PRESENCES, type Presence } from './types.js';

/** Notice parameters naming a group or a policy are shown by their label. */
function labelParams(t: Translate, params: Record<string, string | number> | undefined) {
  if (!params) return params;
  const out = { ...params };
  if (typeof out.group === 'string') out.group = labelOf(t, 'console.group', out.group);
  if (typeof out.policy === 'string') out.policy = labelOf(t, 'console.policy', out.policy);
  return out;
}

/** Top strip of the console: who is signed in, the presence toggle, the live state and the last notice. */
export function createToolbar(actions: { setPresence(p: Presence): void }) {
  const title = h('h1', { class: 'console-title' });
  const whoami = h('span', { class: 'console-whoami', 'data-testid': 'console-whoami' });
  const presenceLabel = h('span', { class: 'tool-label' });
  const buttons = PRESENCES.map((p) => h('button', { type: 'button', class: `seg presence-${p}`, 'data-presence': p, 'data-testid': `presence-${p}` }));
  const presence = h('div', { class: 'segmented', role: 'group', 'data-testid': 'presence' }, buttons);
  for (const b of buttons) b.addEventListener('click', () => actions.setPresence(b.dataset.presence as Presence));
  const liveDot = h('span', { class: 'console-live', 'data-testid': 'console-live' });
  const notice = h('p', { class: 'console-notice', role: 'status', 'aria-live': 'polite', 'data-testid': 'console-notice', hidden: true });
  const blocked = h('p', { class: 'attr-error', role: 'alert', 'data-testid': 'console-blocked', hidden: true });
  const el = h('div', { class: 'console-toolbar' }, [
    h('div', { class: 'console-id' }, [title, whoami]),
    h('div', { class: 'console-tools' }, [presenceLabel, presence, liveDot]),
    notice,
    blocked,
  ]);

  return {
    el,
    render(s: ConsoleState, { t }: PaneContext) {
      setText(title, t('console.title'));
      const agent = s.me?.agent;
      const role = labelOf(t, 'console.role', s.me?.role ?? agent?.role);
      setText(whoami, agent ? t('console.whoami', { name: agent.name, team: agent.team, role }) : role);
      setAttr(whoami, 'data-agent-id', agent?.id ?? null);
      setText(presenceLabel, t('console.presence.label'));
      presence.hidden = presenceLabel.hidden = !agent;
      for (const b of buttons) {
        const p = b.dataset.presence as Presence;
        setText(b, t(`console.presence.${p}`));
        b.classList.toggle('is-active', agent?.presence === p);
        setAttr(b, 'aria-pressed', String(agent?.presence === p));
      }
      liveDot.dataset.state = s.live;
      setText(liveDot, t(`status.${s.live}`));
      notice.hidden = !s.notice;
      notice.dataset.tone = s.notice?.tone ?? '';
      setAttr(notice, 'data-key', s.notice?.key ?? null);
      setText(notice, s.notice ? t(s.notice.key as MessageKey, labelParams(t, s.notice.params)) : '');
      blocked.hidden = !s.blocked;
      setText(blocked, s.blocked ? t(s.blocked.key as MessageKey, s.blocked.params ?? { message: '' }) : '');
    },
  };
}
