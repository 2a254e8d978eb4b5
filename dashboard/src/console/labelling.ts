import { h } from '../dom.js';
import { labelOf, type PaneContext } from './labels.js';
import type { ChatEntry } from './state.js';

/** The nine intents an agent may choose (stream/intent/intent-port.ts INTENTS; the API rejects others). */
export const CORRECTABLE_INTENTS = [
  'price_inquiry',
  'feature_comparison',
  'purchase',
  'after_sale',
  'tech_support',
  'complaint',
  'logistics',
  'human_agent',
  'other',
] as const;

/** Options of the intent select: the nine, plus the current value first when it is an old or unknown label. Pure. */
export function intentOptions(current: string): string[] {
  const nine: readonly string[] = CORRECTABLE_INTENTS;
  return current && !nine.includes(current) ? [current, ...nine] : [...nine];
}

/** Whether a chat line gets the "wrong answer" button: a server-side bot answer. Pure. */
export const canMarkWrong = (m: ChatEntry): m is ChatEntry & { id: string } => m.bot === true && typeof m.id === 'string' && !m.pending;

/**
 * The conversation's intent as a small select (the chip an agent corrects); `onChange` gets the chosen intent.
 * Disabled when the key may not label this conversation (not active).
 */
export function intentSelect(ctx: PaneContext, current: string, disabled: boolean, onChange: (intent: string) => void): HTMLSelectElement {
  const { t } = ctx;
  const select = h(
    'select',
    { class: 'chip chip-intent', 'data-testid': 'intent-select', title: t('console.label.intent'), 'aria-label': t('console.label.intent'), disabled },
    intentOptions(current).map((i) =>
      h('option', { value: i, selected: i === current, disabled: !(CORRECTABLE_INTENTS as readonly string[]).includes(i) }, [labelOf(t, 'console.intent', i)]),
    ),
  );
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

/** The "wrong answer / 回答有误" button under a bot answer; shows "marked" once the server took it. */
export function wrongAnswerButton(
  ctx: PaneContext,
  messageId: string,
  marked: boolean,
  onClick: (messageId: string, button: HTMLButtonElement) => void,
): HTMLButtonElement {
  const { t } = ctx;
  const b = h('button', { type: 'button', class: 'btn-tool msg-wrong', 'data-testid': 'bot-wrong', 'data-message': messageId, disabled: marked }, [
    t(marked ? 'console.label.marked' : 'console.label.wrong'),
  ]);
  b.addEventListener('click', () => onClick(messageId, b));
  return b;
}
