import { h, setText } from '../dom.js';
import { formatDuration } from '../format/duration.js';
import { labelOf, type PaneContext } from './labels.js';
import { formatCountdown, secondsLeft, type ConsoleState } from './state.js';
import type { ConsoleConversation, ConsoleQueue } from './types.js';

export interface ListsActions {
  select(id: string): void;
  accept(id: string): void;
}

/** One line: tag, channel, intent/group and the first words the customer wrote. */
function summary(c: { tag: string; channel: string; intent?: string; group?: string; preview: string }, { t }: PaneContext) {
  return [
    h('div', { class: 'conv-meta' }, [
      c.tag && c.tag !== 'normal' ? h('span', { class: `chip chip-${c.tag}` }, [labelOf(t, 'console.tag', c.tag)]) : null,
      h('span', { class: 'chip' }, [labelOf(t, 'channel', c.channel)]),
      c.intent ? h('span', { class: 'muted' }, [labelOf(t, 'console.intent', c.intent)]) : null,
    ]),
    h('div', { class: 'conv-preview', lang: 'und' }, [c.preview ?? '']),
  ];
}

/**
 * Left column: the queues this key may see (pull with "Take"), the conversations offered to me (accept before
 * the countdown runs out) and my active ones. Lists are rebuilt only when their data changes; the countdowns
 * tick in place every second.
 */
export function createListsPane(actions: ListsActions) {
  const queueTitle = h('h2', { class: 'panel-title' });
  const queueList = h('div', { class: 'conv-list', 'data-testid': 'queue-list' });
  const mineTitle = h('h2', { class: 'panel-title' });
  const offeredTitle = h('h3', { class: 'list-title' });
  const offeredList = h('div', { class: 'conv-list', 'data-testid': 'offered-list' });
  const activeTitle = h('h3', { class: 'list-title' });
  const activeList = h('div', { class: 'conv-list', 'data-testid': 'active-list' });
  const mineEmpty = h('p', { class: 'muted empty-line' });
  const el = h('aside', { class: 'console-lists' }, [
    h('section', { class: 'panel' }, [h('header', { class: 'panel-head' }, [queueTitle]), queueList]),
    h('section', { class: 'panel' }, [h('header', { class: 'panel-head' }, [mineTitle]), offeredTitle, offeredList, activeTitle, activeList, mineEmpty]),
  ]);
  el.addEventListener('click', (e) => {
    const target = e.target as Element;
    const item = target.closest<HTMLElement>('[data-conversation]');
    if (!item) return;
    const id = item.dataset.conversation!;
    if (target.closest('[data-action=accept]')) actions.accept(id);
    else actions.select(id);
  });

  let shown: {
    queues?: ConsoleQueue[];
    offered?: ConsoleConversation[];
    active?: ConsoleConversation[];
    locale?: string;
    selected?: string | null;
    unread?: object;
  } = {};

  function queueItems(queues: ConsoleQueue[], ctx: PaneContext) {
    const { t, locale } = ctx;
    if (!queues.some((q) => q.items.length > 0)) return [h('p', { class: 'muted empty-line' }, [t('console.queue.empty')])];
    return queues.flatMap((q) => [
      h('div', { class: 'queue-head', 'data-group': q.group }, [
        labelOf(t, 'console.group', q.group),
        h('span', { class: 'muted' }, [t('console.queue.length', { n: q.length })]),
      ]),
      ...q.items.map((i) =>
        h(
          'div',
          { class: `conv-item${i.breach_predicted ? ' is-breach' : ''}`, 'data-testid': 'queue-item', 'data-conversation': i.conversation_id, tabindex: 0 },
          [
            ...summary(i, ctx),
            h('div', { class: 'conv-foot' }, [
              h('span', { class: 'muted' }, [t('console.queue.wait', { time: formatDuration(i.wait_ms, locale) })]),
              i.breach_predicted ? h('span', { class: 'chip chip-warn' }, [t('console.queue.breach')]) : null,
              h('button', { type: 'button', class: 'btn-tool', 'data-action': 'accept', 'data-testid': 'queue-take' }, [t('console.queue.take')]),
            ]),
          ],
        ),
      ),
    ]);
  }

  function convItems(list: ConsoleConversation[], kind: 'offered' | 'active', s: ConsoleState, ctx: PaneContext) {
    return list.map((c) => {
      const unread = s.unread[c.conversation_id] ?? 0;
      return h(
        'div',
        {
          class: `conv-item${s.selected?.id === c.conversation_id ? ' is-selected' : ''}`,
          'data-testid': `${kind}-item`,
          'data-conversation': c.conversation_id,
          tabindex: 0,
        },
        [
          ...summary(c, ctx),
          h('div', { class: 'conv-foot' }, [
            unread ? h('span', { class: 'chip chip-unread' }, [ctx.t('console.unread', { n: unread })]) : null,
            kind === 'offered' ? h('span', { class: 'countdown', 'data-testid': 'countdown', 'data-accept-by': String(c.accept_by ?? '') }) : null,
            kind === 'offered'
              ? h('button', { type: 'button', class: 'btn-primary btn-small', 'data-action': 'accept', 'data-testid': 'accept' }, [ctx.t('console.accept')])
              : null,
          ]),
        ],
      );
    });
  }

  function tick({ t, now }: PaneContext) {
    for (const c of offeredList.querySelectorAll<HTMLElement>('[data-accept-by]')) {
      const left = secondsLeft(c.dataset.acceptBy || null, now);
      setText(c, left === null ? '' : left > 0 ? t('console.acceptIn', { time: formatCountdown(left) }) : t('console.expired'));
      c.classList.toggle('is-urgent', left !== null && left <= 10);
    }
  }

  return {
    el,
    render(s: ConsoleState, ctx: PaneContext) {
      const { t } = ctx;
      setText(queueTitle, t('console.queue.title'));
      setText(mineTitle, t('console.mine.title'));
      setText(offeredTitle, t('console.offered'));
      setText(activeTitle, t('console.active'));
      setText(mineEmpty, t('console.mine.empty'));
      const relabel = shown.locale !== ctx.locale;
      const marks = shown.selected !== (s.selected?.id ?? null) || shown.unread !== s.unread;
      if (relabel || shown.queues !== s.queues) queueList.replaceChildren(...queueItems(s.queues, ctx));
      if (relabel || marks || shown.offered !== s.offered) offeredList.replaceChildren(...convItems(s.offered, 'offered', s, ctx));
      if (relabel || marks || shown.active !== s.active) activeList.replaceChildren(...convItems(s.active, 'active', s, ctx));
      offeredTitle.hidden = offeredList.hidden = s.offered.length === 0;
      activeTitle.hidden = activeList.hidden = s.active.length === 0;
      mineEmpty.hidden = s.offered.length + s.active.length > 0;
      shown = { queues: s.queues, offered: s.offered, active: s.active, locale: ctx.locale, selected: s.selected?.id ?? null, unread: s.unread };
      tick(ctx);
    },
    tick,
  };
}
