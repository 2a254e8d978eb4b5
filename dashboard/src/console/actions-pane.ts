import { h, setAttr, setText } from '../dom.js';
import { labelOf, type PaneContext } from './labels.js';
import { canAct, transferTargets, type ConsoleState } from './state.js';
import { OUTCOMES, type Outcome } from './types.js';

export interface ConversationActions {
  transfer(kind: 'agent' | 'group', target: string, note: string): Promise<void>;
  close(outcome: Outcome, valueText: string): Promise<void>;
}

/** Transfer (to an agent or a group) and close-with-outcome forms under the chat; enabled while active. */
export function createActionsPane(actions: ConversationActions) {
  const transferTitle = h('h3', { class: 'list-title' });
  const kindOptions = (['agent', 'group'] as const).map((k) => h('option', { value: k }));
  const kind = h('select', { 'data-testid': 'transfer-kind' }, kindOptions);
  const target = h('input', { type: 'text', list: 'console-transfer-targets', autocomplete: 'off', 'data-testid': 'transfer-target' });
  const targets = h('datalist', { id: 'console-transfer-targets' });
  const note = h('input', { type: 'text', autocomplete: 'off', 'data-testid': 'transfer-note' });
  const transferBtn = h('button', { type: 'submit', class: 'btn-tool', 'data-testid': 'transfer-submit' });
  const transferForm = h('form', { class: 'action-form', 'data-testid': 'transfer-form' }, [kind, target, targets, note, transferBtn]);

  const closeTitle = h('h3', { class: 'list-title' });
  const outcomeOptions = OUTCOMES.map((o) => h('option', { value: o }));
  const outcome = h('select', { 'data-testid': 'close-outcome' }, outcomeOptions);
  const value = h('input', { type: 'number', min: 0, step: 'any', inputmode: 'decimal', 'data-testid': 'close-value' });
  const closeBtn = h('button', { type: 'submit', class: 'btn-tool', 'data-testid': 'close-submit' });
  const closeForm = h('form', { class: 'action-form', 'data-testid': 'close-form' }, [outcome, value, closeBtn]);

  const el = h('section', { class: 'panel console-actions', 'data-testid': 'conversation-actions', hidden: true }, [
    h('div', {}, [transferTitle, transferForm]),
    h('div', {}, [closeTitle, closeForm]),
  ]);

  const busy = async (btn: HTMLButtonElement, run: () => Promise<void>) => {
    btn.disabled = true;
    try {
      await run();
    } finally {
      btn.disabled = false;
    }
  };
  transferForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(transferBtn, () => actions.transfer(kind.value as 'agent' | 'group', target.value, note.value));
  });
  closeForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void busy(closeBtn, () => actions.close(outcome.value as Outcome, value.value));
  });
  outcome.addEventListener('change', () => (value.hidden = outcome.value !== 'deal'));
  let shownTargets = '';
  let last: [ConsoleState, PaneContext] | null = null;
  kind.addEventListener('change', () => last && render(...last));

  function render(s: ConsoleState, ctx: PaneContext) {
    last = [s, ctx];
    const { t } = ctx;
    el.hidden = !s.selected;
    const active = canAct(s);
    for (const c of [kind, target, note, transferBtn, outcome, value, closeBtn]) c.disabled = !active;
    setText(transferTitle, t('console.transfer.title'));
    setText(kindOptions[0], t('console.transfer.toAgent'));
    setText(kindOptions[1], t('console.transfer.toGroup'));
    setAttr(target, 'placeholder', t('console.transfer.target'));
    setAttr(note, 'placeholder', t('console.transfer.note'));
    setText(transferBtn, t('console.transfer.submit'));
    const { groups, agents } = transferTargets(s);
    const list = kind.value === 'agent' ? agents : groups;
    if (list.join('\n') !== shownTargets) {
      shownTargets = list.join('\n');
      targets.replaceChildren(...list.map((v) => h('option', { value: v }, [kind.value === 'group' ? labelOf(t, 'console.group', v) : v])));
    }
    setText(closeTitle, t('console.close.title'));
    outcomeOptions.forEach((o, i) => setText(o, t(`console.outcome.${OUTCOMES[i]}`)));
    setAttr(value, 'placeholder', t('console.close.value'));
    value.hidden = outcome.value !== 'deal';
    setText(closeBtn, t('console.close.submit'));
  }
  return { el, render };
}
