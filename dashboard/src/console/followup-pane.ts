import { h, setText } from '../dom.js';
import type { Locale, Translate } from '../i18n/index.js';
import type { ConsoleResult } from './api.js';
import { clockOf, labelOf, type PaneContext } from './labels.js';
import type { ConsoleState } from './state.js';

/** GET /v1/customers/{id}/followups, as the pane reads it. */
export interface FollowupView {
  customer_id: string;
  state: 'none' | 'pending' | 'active' | 'stopped' | 'done' | 'idle';
  sequence_id: string | null;
  next_step: number;
  steps_total: number;
  next_at: string | null;
  stop: { reason: string; at: string } | null;
  history: Array<{ sequence_id: string; run: number; step: number; outcome: string; channel: string | null; template: string; at: string }>;
  consent: Array<{ channel: string; state: string; at: string; source: string }>;
}

export interface FollowupPaneApi {
  load(customerId: string): Promise<ConsoleResult<FollowupView>>;
  cancel(customerId: string): Promise<ConsoleResult<{ stopped: boolean; state: string }>>;
}

/** The pane's lines (pure): state, sequence progress, next time, stop reason, opted-out channels. */
export function followupSummary(v: FollowupView, t: Translate, locale: Locale): string[] {
  const lines = [labelOf(t, 'followup.state', v.state)];
  if (v.sequence_id)
    lines.push(t('followup.sequence', { id: v.sequence_id, step: String(Math.min(v.next_step + 1, v.steps_total)), total: String(v.steps_total) }));
  if (v.next_at && (v.state === 'active' || v.state === 'pending')) lines.push(t('followup.next', { time: clockOf(v.next_at, locale) }));
  if (v.stop && (v.state === 'stopped' || v.state === 'done')) lines.push(t('followup.stop', { reason: labelOf(t, 'followup.reason', v.stop.reason) }));
  const out = v.consent.filter((c) => c.state === 'opted_out').map((c) => labelOf(t, 'channel', c.channel));
  if (out.length) lines.push(t('followup.consent', { channels: out.join(', ') }));
  return lines;
}

/** A running sequence or a pending start can be cancelled. */
export const canCancel = (v: FollowupView | null) => v?.state === 'active' || v?.state === 'pending';

/**
 * "Follow-up / 自动跟进" in the customer view: the customer's sequence (state, step, next send, why it stopped,
 * each step sent or skipped, channels opted out of) and a cancel button. Loads itself whenever the console shows
 * another customer or reloads the one shown.
 */
export function createFollowupPane(api: FollowupPaneApi) {
  const title = h('h3', { class: 'list-title' });
  const summary = h('div', { class: 'conv-meta', 'data-testid': 'followup-summary' });
  const steps = h('ol', { class: 'timeline', 'data-testid': 'followup-steps' });
  const cancel = h('button', { type: 'button', class: 'btn-tool', 'data-testid': 'followup-cancel', hidden: true });
  const note = h('p', { class: 'muted', 'data-testid': 'followup-note', hidden: true });
  const el = h('section', { class: 'followup-pane', 'data-testid': 'followup-pane', hidden: true }, [title, summary, steps, cancel, note]);
  let customer: ConsoleState['customer'] = null;
  let view: FollowupView | null = null;
  let error: string | null = null;
  let ctx: PaneContext | null = null;
  let busy = false;
  let loads = 0;

  async function load(id: string) {
    const mine = ++loads;
    const r = await api.load(id);
    if (mine !== loads) return;
    view = r.ok ? r.data : null;
    error = r.ok ? null : `${r.code}: ${r.message}`;
    paint();
  }

  cancel.addEventListener('click', () => {
    const id = view?.customer_id;
    if (!id || busy) return;
    busy = cancel.disabled = true;
    void api.cancel(id).then(async (r) => {
      busy = false;
      note.hidden = false;
      setText(note, r.ok ? (ctx?.t('followup.cancelled') ?? '') : (ctx?.t('followup.error', { message: `${r.code}: ${r.message}` }) ?? ''));
      await load(id);
    });
  });

  function paint() {
    if (!ctx) return;
    const { t, locale } = ctx;
    setText(title, t('followup.title'));
    setText(cancel, t('followup.cancel'));
    if (error) {
      summary.replaceChildren(h('span', { class: 'muted' }, [t('followup.error', { message: error })]));
      steps.replaceChildren();
      cancel.hidden = true;
      return;
    }
    if (!view) {
      summary.replaceChildren(h('span', { class: 'muted' }, [t('followup.loading')]));
      steps.replaceChildren();
      cancel.hidden = true;
      return;
    }
    el.dataset.state = view.state;
    summary.replaceChildren(
      ...followupSummary(view, t, locale).map((line, i) => h('span', { class: i === 0 ? `chip chip-followup-${view!.state}` : 'muted' }, [line])),
    );
    steps.replaceChildren(
      ...view.history.map((s) =>
        h('li', { 'data-outcome': s.outcome, 'data-step': String(s.step) }, [
          h('span', { class: 'tl-time' }, [clockOf(s.at, locale)]),
          h('span', { class: 'chip' }, [s.channel ? labelOf(t, 'channel', s.channel) : '—']),
          h('span', { class: 'tl-type' }, [`${s.sequence_id} #${s.step + 1}`]),
          h('span', { class: 'tl-detail' }, [labelOf(t, 'followup.outcome', s.outcome)]),
        ]),
      ),
    );
    cancel.hidden = !canCancel(view);
    cancel.disabled = busy;
  }

  return {
    el,
    render(s: ConsoleState, c: PaneContext) {
      const localeChanged = ctx?.locale !== c.locale;
      ctx = c;
      el.hidden = !s.customer;
      if (s.customer !== customer) {
        const changed = s.customer?.id !== customer?.id;
        customer = s.customer;
        if (changed) {
          view = null;
          error = null;
          note.hidden = true;
        }
        if (customer?.id) void load(customer.id);
      }
      if (localeChanged || !view) paint();
    },
  };
}
