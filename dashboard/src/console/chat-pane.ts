import { h, setAttr, setText } from '../dom.js';
import { clockOf, labelOf, type PaneContext } from './labels.js';
import { canAct, type ChatEntry, type ConsoleState } from './state.js';
import { suggestionScript, suggestionText, type BotHandoffInfo } from './types.js';
import { canMarkWrong, intentSelect, wrongAnswerButton } from './labelling.js';

export interface ChatActions {
  /** resolves true when the reply was accepted by the server (the box is then cleared) */
  reply(text: string): Promise<boolean>;
  /** a reply that started from a suggestion went out (edited: the agent changed it); feedback only */
  used?(scriptId: string, edited: boolean): void;
  /** the agent corrected the conversation's intent (labelling.ts); resolves true when stored */
  correctIntent?(intent: string): Promise<boolean>;
  /** the agent marked a bot answer wrong; resolves true when stored */
  markWrong?(messageId: string): Promise<boolean>;
}

function line(m: ChatEntry, ctx: PaneContext, wrong?: (m: ChatEntry & { id: string }) => HTMLElement) {
  const { t, locale } = ctx;
  const who = m.direction === 'in' ? t('console.chat.customer') : m.bot ? t('console.chat.bot') : t('console.chat.agent', { id: m.agent_id ?? '' });
  const state = m.failed ? t('console.chat.failed') : m.pending ? t('console.chat.sending') : clockOf(m.at, locale);
  return h(
    'div',
    {
      class: `msg msg-${m.direction}${m.bot ? ' msg-bot' : ''}${m.pending ? ' is-pending' : ''}${m.failed ? ' is-failed' : ''}`,
      'data-direction': m.direction,
      'data-bot': m.bot ? 'true' : null,
      'data-pending': m.pending ? 'true' : null,
    },
    [h('div', { class: 'msg-text' }, [m.text]), h('div', { class: 'msg-meta' }, [`${who} · ${state}`, wrong && canMarkWrong(m) ? wrong(m) : null])],
  );
}

/** The FAQ bot's handoff at the top of the chat: the intent it found, why it handed over, its summary. */
function handoffCard(hd: BotHandoffInfo, ctx: PaneContext): HTMLElement {
  const { t } = ctx;
  const row = (label: string, value: string, testid: string) =>
    h('div', { class: 'handoff-row' }, [h('span', { class: 'muted' }, [label]), ' ', h('span', { 'data-testid': testid }, [value])]);
  return h('div', { class: 'handoff-card', 'data-testid': 'handoff-card', 'data-intent': hd.intent, role: 'note' }, [
    h('strong', {}, [t('console.handoff.title')]),
    row(t('console.handoff.intent'), labelOf(t, 'console.intent', hd.intent), 'handoff-intent'),
    row(t('console.handoff.reason'), labelOf(t, 'console.handoff.reason', hd.reason), 'handoff-reason'),
    row(t('console.handoff.summary'), hd.summary, 'handoff-summary'),
    h('p', { class: 'muted' }, [t('console.handoff.transcript')]),
  ]);
}

/**
 * The chat: messages in time order (live), the suggested-replies slot (click fills the box) and the reply box.
 * Replies leave through the customer's channel; the box is disabled unless the conversation is active.
 */
export function createChatPane(actions: ChatActions) {
  const head = h('div', { class: 'chat-head', 'data-testid': 'chat-head' });
  const handoff = h('div', { class: 'chat-handoff', hidden: true });
  const messages = h('div', { class: 'chat-messages', 'data-testid': 'chat-messages', 'aria-live': 'polite' });
  const readOnly = h('p', { class: 'muted chat-readonly', 'data-testid': 'chat-readonly', hidden: true });
  const suggestTitle = h('h3', { class: 'list-title' });
  const suggestList = h('div', { class: 'suggestions', 'data-testid': 'suggestions' });
  const suggestHint = h('p', { class: 'muted suggest-hint' });
  const input = h('textarea', { class: 'chat-input', rows: 3, 'data-testid': 'chat-input' });
  const send = h('button', { type: 'submit', class: 'btn-primary', 'data-testid': 'chat-send' });
  const form = h('form', { class: 'chat-form' }, [input, send]);
  const pick = h('p', { class: 'muted chat-pick', 'data-testid': 'chat-pick' });
  const body = h('div', { class: 'chat-body' }, [
    head,
    handoff,
    messages,
    readOnly,
    h('div', { class: 'chat-suggest' }, [suggestTitle, suggestList, suggestHint]),
    form,
  ]);
  const el = h('section', { class: 'panel console-chat', 'data-testid': 'chat-pane' }, [pick, body]);

  let sending = false;
  /** The suggestion last put in the box, so the reply that follows can report it (and whether it was edited). */
  let inserted: { scriptId: string; text: string } | null = null;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim() || send.disabled) return;
    send.disabled = sending = true;
    const from = inserted;
    void actions.reply(text).then((ok) => {
      sending = send.disabled = false;
      if (ok && from) {
        inserted = null;
        actions.used?.(from.scriptId, text.trim() !== from.text.trim());
      }
      if (ok && input.value === text) input.value = '';
    });
  });
  // Enter sends, Shift+Enter breaks the line; never while an IME is composing Chinese.
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  suggestList.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLElement>('[data-suggestion]');
    if (!b) return;
    // Only fills the box: the agent edits and sends; nothing leaves from here.
    input.value = b.dataset.suggestion ?? '';
    inserted = b.dataset.script ? { scriptId: b.dataset.script, text: input.value } : null;
    input.focus();
  });

  /** Bot answers marked wrong in this session (the button then says so). */
  const marked = new Set<string>();
  const markWrong = (messageId: string, b: HTMLButtonElement) => {
    if (!actions.markWrong) return;
    b.disabled = true;
    void actions.markWrong(messageId).then((ok) => {
      if (ok) marked.add(messageId);
      b.disabled = ok;
      if (ok && lastCtx) b.textContent = lastCtx.t('console.label.marked');
    });
  };
  let lastCtx: PaneContext | null = null;
  // Kept across paints while nothing it shows changed, so a live update does not close an open select.
  let chip: { key: string; el: HTMLSelectElement } | null = null;
  const intentChip = (ctx: PaneContext, id: string, intent: string, disabled: boolean) => {
    const key = `${id}|${intent}|${disabled}|${ctx.locale}`;
    if (chip?.key !== key) chip = { key, el: intentSelect(ctx, intent, disabled, (next) => void actions.correctIntent?.(next)) };
    return chip.el;
  };

  let shown: { messages?: ChatEntry[]; locale?: string; id?: string | null; suggestions?: unknown } = {};
  return {
    el,
    render(s: ConsoleState, ctx: PaneContext) {
      const { t } = ctx;
      lastCtx = ctx;
      const sel = s.selected;
      pick.hidden = !!sel;
      body.hidden = !sel;
      setText(pick, t('console.chat.pick'));
      el.dataset.conversation = sel?.id ?? '';
      if (!sel) return void (shown = {});
      if (shown.id !== sel.id) inserted = null;
      const c = sel.conversation;
      const status = c?.status ?? '';
      el.dataset.status = status;
      const parts = [
        h('strong', { lang: 'und' }, [sel.id]),
        c ? h('span', { class: 'chip' }, [labelOf(t, 'channel', c.channel)]) : null,
        c?.group ? h('span', { class: 'muted' }, [labelOf(t, 'console.group', c.group)]) : null,
        c && actions.correctIntent ? intentChip(ctx, sel.id, c.intent, !canAct(s)) : null,
        status
          ? h('span', { class: `chip chip-status-${status}`, 'data-testid': 'chat-status', 'data-status': status }, [labelOf(t, 'console.status', status)])
          : null,
      ];
      head.replaceChildren(...parts.filter((x): x is HTMLElement => x !== null));
      handoff.hidden = !sel.handoff;
      if (sel.handoff) handoff.replaceChildren(handoffCard(sel.handoff, ctx));
      else handoff.replaceChildren();
      if (shown.messages !== sel.messages || shown.locale !== ctx.locale) {
        const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
        messages.replaceChildren(
          ...(sel.messages.length
            ? sel.messages.map((m) => line(m, ctx, actions.markWrong ? (x) => wrongAnswerButton(ctx, x.id, marked.has(x.id), markWrong) : undefined))
            : [h('p', { class: 'muted empty-line' }, [t('console.chat.noMessages')])]),
        );
        if (atBottom || shown.id !== sel.id) messages.scrollTop = messages.scrollHeight;
      }
      const active = canAct(s);
      readOnly.hidden = active || !sel.loaded;
      setText(readOnly, t('console.chat.readOnly', { status: labelOf(t, 'console.status', status) }));
      input.disabled = !active;
      send.disabled = !active || sending;
      setAttr(input, 'placeholder', t('console.chat.placeholder', { channel: labelOf(t, 'channel', c?.channel ?? '') }));
      setText(send, t('console.chat.send'));
      setText(suggestTitle, t('console.suggest.title'));
      setText(suggestHint, t('console.suggest.hint'));
      if (shown.suggestions !== sel.suggestions || shown.locale !== ctx.locale) {
        const items = sel.suggestions.map((x) => ({ text: suggestionText(x), script: suggestionScript(x) })).filter((x) => x.text);
        suggestHint.hidden = items.length === 0;
        suggestList.replaceChildren(
          ...(items.length
            ? items.map(({ text, script }) =>
                h('button', { type: 'button', class: 'suggestion', 'data-suggestion': text, 'data-script': script || null, 'data-testid': 'suggestion' }, [
                  text,
                ]),
              )
            : [h('p', { class: 'muted empty-line', 'data-testid': 'suggestions-empty' }, [t('console.suggest.empty')])]),
        );
      }
      shown = { messages: sel.messages, locale: ctx.locale, id: sel.id, suggestions: sel.suggestions };
    },
  };
}
