import type { AppState, View } from '../app/store.js';
import { h, setText } from '../dom.js';
import { translator, type Translate } from '../i18n/index.js';
import { fetchAuditEntries, fetchChainStatus, type AuditEntryView, type AuditFilters, type ChainStatusView } from './api.js';

export interface AuditViewDeps {
  fetch: typeof fetch;
  getKey(): string | null;
  onUnauthorized(): void;
}

/** A readable actor: the id, with the role and the roster agent when known. */
export function actorLabel(a: AuditEntryView['actor']): string {
  const extra = [a.role, a.agentId && a.agentId !== a.id ? a.agentId : undefined].filter(Boolean);
  return extra.length ? `${a.id ?? '?'} (${extra.join(', ')})` : (a.id ?? '?');
}

/** The time of an entry in the viewer's locale, to the second. */
function when(iso: string, locale: string): string {
  const d = new Date(iso);
  return Number.isFinite(d.getTime()) ? d.toLocaleString(locale, { hour12: false }) : iso;
}

/**
 * The audit screen (`#/audit`, admins): the chain's status (intact, or what verify found) and the newest
 * entries, filtered by actor, action and customer. Every value is set as text: an entry's target or actor is
 * data, never markup.
 */
export function createAuditView(deps: AuditViewDeps): View {
  let state: AppState | null = null;
  let entries: AuditEntryView[] = [];
  let chain: ChainStatusView | null = null;
  let message: { key: 'audit.forbidden' | 'audit.error'; text?: string } | null = null;
  let visible = false;
  let loading = 0;

  const title = h('h1', { class: 'attr-title' });
  const refresh = h('button', { class: 'btn-tool', type: 'button', 'data-testid': 'audit-refresh' });
  const status = h('div', { class: 'audit-chain', 'data-testid': 'audit-chain', role: 'status' });
  const problems = h('ul', { class: 'audit-problems', 'data-testid': 'audit-problems' });
  const errorEl = h('p', { class: 'attr-error', 'data-testid': 'audit-error', role: 'alert', hidden: true });
  const inputs = {
    actor: h('input', { type: 'text', maxlength: 128, 'data-testid': 'audit-actor' }),
    action: h('input', { type: 'text', maxlength: 64, 'data-testid': 'audit-action' }),
    customer: h('input', { type: 'text', maxlength: 128, 'data-testid': 'audit-customer' }),
  };
  const labels = { actor: h('span'), action: h('span'), customer: h('span') };
  const apply = h('button', { class: 'btn-tool', type: 'submit', 'data-testid': 'audit-apply' });
  const form = h('form', { class: 'audit-filters' }, [
    ...(['actor', 'action', 'customer'] as const).map((k) => h('label', { class: 'tool-label' }, [labels[k], inputs[k]])),
    apply,
  ]);
  const table = h('table', { class: 'data-table', 'data-testid': 'audit-table' });
  const el = h('main', { class: 'board attr', 'data-testid': 'audit-view', hidden: true }, [
    h('div', { class: 'attr-head' }, [h('div', {}, [title]), h('div', { class: 'attr-actions' }, [refresh])]),
    errorEl,
    status,
    problems,
    form,
    h('section', { class: 'panel panel--full' }, [h('div', { class: 'table-wrap' }, [table])]),
  ]);

  const filters = (): AuditFilters => ({ actor: inputs.actor.value, action: inputs.action.value, customer: inputs.customer.value });

  const load = async () => {
    const key = deps.getKey();
    if (!key) return;
    const mine = ++loading;
    const [list, verify] = await Promise.all([fetchAuditEntries(deps.fetch, key, filters()), fetchChainStatus(deps.fetch, key)]);
    if (mine !== loading) return;
    if (list.kind === 'unauthorized' || verify.kind === 'unauthorized') return deps.onUnauthorized();
    message = null;
    if (list.kind === 'forbidden' || verify.kind === 'forbidden') message = { key: 'audit.forbidden' };
    else if (list.kind === 'error') message = { key: 'audit.error', text: list.message };
    else if (verify.kind === 'error') message = { key: 'audit.error', text: verify.message };
    entries = list.kind === 'ok' ? list.data.entries : [];
    chain = verify.kind === 'ok' ? verify.data : null;
    paint();
  };
  refresh.addEventListener('click', () => void load());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });

  const row = (e: AuditEntryView, t: Translate, locale: string) =>
    h('tr', { 'data-seq': e.seq, class: e.checkpoint ? 'audit-checkpoint' : undefined }, [
      h('td', { class: 'num' }, [String(e.seq)]),
      h('td', {}, [when(e.at, locale)]),
      h('td', {}, [actorLabel(e.actor)]),
      h('td', {}, [e.checkpoint ? t('audit.checkpoint') : e.action]),
      h('td', {}, [e.target]),
      h('td', {}, [e.customer_id ?? '']),
      h('td', {}, [e.ip]),
      h('td', { class: 'num' }, [e.status ? String(e.status) : '']),
    ]);

  function paint() {
    if (!state) return;
    const t = translator(state.locale);
    setText(title, t('audit.title'));
    setText(refresh, t('audit.refresh'));
    setText(apply, t('audit.filter.apply'));
    for (const k of ['actor', 'action', 'customer'] as const) setText(labels[k], t(`audit.filter.${k}`));
    errorEl.hidden = message === null;
    setText(errorEl, message ? t(message.key, { message: message.text ?? '' }) : '');
    status.hidden = chain === null;
    status.dataset.ok = String(chain?.ok ?? '');
    setText(
      status,
      !chain
        ? ''
        : chain.ok
          ? t('audit.chain.ok', { entries: chain.entries, checkpoints: chain.checkpoints, signed: chain.signedThrough, tail: chain.unsignedTail })
          : t('audit.chain.bad', { count: chain.problems.length }),
    );
    problems.replaceChildren(...(chain?.problems ?? []).map((p) => h('li', {}, [t('audit.problem', { seq: p.seq, kind: p.kind, detail: p.detail })])));
    const head = h(
      'tr',
      {},
      [
        '#',
        t('audit.col.time'),
        t('audit.col.actor'),
        t('audit.col.action'),
        t('audit.col.target'),
        t('audit.col.customer'),
        t('audit.col.ip'),
        t('audit.col.status'),
      ].map((c) => h('th', {}, [c])),
    );
    const body = entries.length ? entries.map((e) => row(e, t, state!.locale)) : [h('tr', {}, [h('td', { colspan: 8, class: 'muted' }, [t('audit.empty')])])];
    table.replaceChildren(h('thead', {}, [head]), h('tbody', {}, body));
  }

  return {
    el,
    render(next: AppState) {
      const show = next.signedIn && next.route === 'audit';
      const localeChanged = state?.locale !== next.locale;
      state = next;
      el.hidden = !show;
      if (show && !visible) void load();
      visible = show;
      if (show && localeChanged) paint();
    },
  };
}
