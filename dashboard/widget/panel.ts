import type { ChatState } from './chat-state.js';
import type { Status } from './chat-client.js';
import type { Messages } from './i18n.js';

const CSS = `
:host { all: initial; }
.launcher { position: fixed; right: 20px; bottom: 20px; width: 56px; height: 56px; border-radius: 50%; border: 0;
  background: #2563eb; color: #fff; display: flex; align-items: center; justify-content: center; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483000; }
.panel { position: fixed; right: 20px; bottom: 88px; width: min(360px, calc(100vw - 40px)); height: min(520px, calc(100vh - 120px));
  display: none; flex-direction: column; background: #fff; border-radius: 12px; box-shadow: 0 8px 30px rgba(0,0,0,.25);
  font: 14px/1.45 system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; color: #111; overflow: hidden; z-index: 2147483000; }
.panel.open { display: flex; }
header { background: #2563eb; color: #fff; padding: 12px 14px; display: flex; justify-content: space-between; align-items: center; }
header .status { font-size: 12px; opacity: .85; }
header button { background: none; border: 0; color: #fff; font-size: 18px; cursor: pointer; }
.messages { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 6px; background: #f8fafc; }
.msg { max-width: 80%; padding: 7px 11px; border-radius: 12px; white-space: pre-wrap; word-wrap: break-word; }
.msg[data-from=visitor] { align-self: flex-end; background: #2563eb; color: #fff; }
.msg[data-from=agent] { align-self: flex-start; background: #e2e8f0; }
.msg[data-status=pending] { opacity: .6; }
.msg[data-status=failed] { background: #fecaca; color: #7f1d1d; }
.meta { font-size: 11px; color: #64748b; align-self: flex-end; }
.typing { font-size: 12px; color: #64748b; padding: 0 12px 4px; min-height: 16px; }
form { display: flex; border-top: 1px solid #e2e8f0; }
input { flex: 1; border: 0; padding: 12px; font: inherit; outline: none; }
form button { border: 0; background: none; color: #2563eb; font: inherit; font-weight: 600; padding: 0 14px; cursor: pointer; }
`;

export interface PanelHandlers {
  send(text: string): void;
  typing(): void;
  opened(): void;
}

/** The floating button and chat panel, in a shadow root so the host page's CSS cannot reach them. */
export class ChatPanel {
  private readonly root: ShadowRoot;
  private readonly panel: HTMLElement;
  private readonly list: HTMLElement;
  private readonly typingEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly t: Messages,
    lang: string,
    private readonly h: PanelHandlers,
  ) {
    const host = document.createElement('div');
    host.id = 'omnilane-webchat';
    host.setAttribute('lang', lang);
    document.body.appendChild(host);
    this.root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = CSS;
    const launcher = this.el('button', 'launcher', { 'data-testid': 'wc-launcher', 'aria-label': t.open, type: 'button' });
    // An inline icon: emoji fonts are missing on many systems.
    launcher.innerHTML =
      '<svg width="26" height="26" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
    this.panel = this.el('section', 'panel', { 'data-testid': 'wc-panel', role: 'dialog', 'aria-label': t.title });
    const header = this.el('header', '', {});
    const title = this.el('div', '', {});
    const name = this.el('strong', '', {});
    name.textContent = t.title;
    this.statusEl = this.el('div', 'status', { 'data-testid': 'wc-status' });
    title.append(name, this.statusEl);
    const closeBtn = this.el('button', '', { 'aria-label': t.close, type: 'button' });
    closeBtn.textContent = '×';
    header.append(title, closeBtn);
    this.list = this.el('div', 'messages', { 'data-testid': 'wc-messages', 'aria-live': 'polite' });
    this.typingEl = this.el('div', 'typing', { 'data-testid': 'wc-typing' });
    const form = this.el('form', '', {});
    const input = this.el('input', '', {
      'data-testid': 'wc-input',
      placeholder: t.placeholder,
      maxlength: '4000',
      'aria-label': t.placeholder,
    }) as HTMLInputElement;
    const sendBtn = this.el('button', '', { 'data-testid': 'wc-send', type: 'submit' });
    sendBtn.textContent = t.send;
    form.append(input, sendBtn);
    this.panel.append(header, this.list, this.typingEl, form);
    this.root.append(style, launcher, this.panel);

    launcher.addEventListener('click', () => {
      this.panel.classList.toggle('open');
      if (this.panel.classList.contains('open')) {
        input.focus();
        this.h.opened();
      }
    });
    closeBtn.addEventListener('click', () => this.panel.classList.remove('open'));
    input.addEventListener('input', () => this.h.typing());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.h.send(input.value);
      input.value = '';
    });
  }

  get isOpen(): boolean {
    return this.panel.classList.contains('open');
  }

  render(s: ChatState, status: Status): void {
    this.statusEl.textContent = status === 'online' ? '' : this.t.offline;
    this.statusEl.dataset.status = status;
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.replaceChildren();
    if (s.messages.length === 0) this.list.append(this.bubble('agent', this.t.welcome, 'sent'));
    let lastVisitorSeq = 0;
    for (const m of s.messages) {
      const b = this.bubble(m.from, m.text, m.status);
      if (m.seq !== undefined) b.dataset.seq = String(m.seq);
      this.list.append(b);
      if (m.status === 'failed') this.list.append(this.meta(this.t.failed));
      if (m.from === 'visitor' && m.seq !== undefined) lastVisitorSeq = m.seq;
    }
    if (lastVisitorSeq > 0 && s.agentReadSeq >= lastVisitorSeq) this.list.append(this.meta(this.t.read, 'wc-read'));
    if (atBottom || s.messages.at(-1)?.from === 'visitor') this.list.scrollTop = this.list.scrollHeight;
  }

  /** Shows the agent typing indicator for 4 s (refreshed by each typing frame). */
  agentTyping(): void {
    this.typingEl.textContent = this.t.typing;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => (this.typingEl.textContent = ''), 4000);
  }

  private bubble(from: string, text: string, status: string): HTMLElement {
    const b = this.el('div', 'msg', { 'data-from': from, 'data-status': status });
    b.textContent = text;
    return b;
  }

  private meta(text: string, testid?: string): HTMLElement {
    const m = this.el('div', 'meta', testid ? { 'data-testid': testid } : {});
    m.textContent = text;
    return m;
  }

  private el(tag: string, cls: string, attrs: Record<string, string>): HTMLElement {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  }
}
