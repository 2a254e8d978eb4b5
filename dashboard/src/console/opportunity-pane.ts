import { h, setAttr, setText } from '../dom.js';
import { formatDecimal } from '../format/number.js';
import type { MessageKey } from '../i18n/index.js';
import { labelOf, type PaneContext } from './labels.js';
import { canAct, type ConsoleState } from './state.js';
import type { CrmOpportunity } from './types.js';

/** Intents a conversation must have to be qualified (the API answers 409 API_ERR_NOT_SALES_CONVERSATION otherwise). */
export const SALES_INTENTS: ReadonlySet<string> = new Set(['price_inquiry', 'feature_comparison', 'purchase']);

/** The selected conversation may be qualified now: a sales intent, and active with this key allowed to act. */
export function canQualify(s: ConsoleState): boolean {
  return canAct(s) && SALES_INTENTS.has(s.selected?.conversation?.intent ?? '');
}

/** The request body from the form's text (empty value: none), or the message key saying what is wrong. */
export function qualifyRequest(
  valueText: string,
  productText: string,
): { ok: true; body: { value?: number; product?: string } } | { ok: false; key: MessageKey } {
  const v = valueText.trim();
  const value = v === '' ? undefined : Number(v);
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) return { ok: false, key: 'console.opportunity.valueInvalid' };
  const product = productText.trim().slice(0, 200);
  return { ok: true, body: { ...(value !== undefined ? { value } : {}), ...(product ? { product } : {}) } };
}

/** "Qualify as opportunity / 转为商机" under the chat, shown for sales conversations only. */
export function createOpportunityPane(actions: { qualify(valueText: string, product: string): Promise<void> }) {
  const title = h('h3', { class: 'list-title' });
  const value = h('input', { type: 'number', min: 0, step: 'any', inputmode: 'decimal', 'data-testid': 'opportunity-value' });
  const product = h('input', { type: 'text', autocomplete: 'off', 'data-testid': 'opportunity-product' });
  const submit = h('button', { type: 'submit', class: 'btn-tool', 'data-testid': 'opportunity-submit' });
  const form = h('form', { class: 'action-form', 'data-testid': 'opportunity-form' }, [value, product, submit]);
  const el = h('section', { class: 'panel console-actions', 'data-testid': 'opportunity-pane', hidden: true }, [h('div', {}, [title, form])]);
  let busy = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    busy = submit.disabled = true;
    void actions.qualify(value.value, product.value).finally(() => {
      busy = false;
      submit.disabled = !canQualify(shown ?? ({} as ConsoleState));
    });
  });
  let shown: ConsoleState | null = null;
  return {
    el,
    render(s: ConsoleState, { t }: PaneContext) {
      el.hidden = !s.selected || !SALES_INTENTS.has(s.selected.conversation?.intent ?? '');
      shown = s;
      const can = canQualify(s);
      value.disabled = product.disabled = !can;
      submit.disabled = !can || busy;
      setText(title, t('console.opportunity.title'));
      setAttr(value, 'placeholder', t('console.opportunity.value'));
      setAttr(product, 'placeholder', t('console.opportunity.product'));
      setText(submit, t('console.opportunity.submit'));
    },
  };
}

/** The customer's CRM opportunities as a small table (customer pane). */
export function opportunityList(list: readonly CrmOpportunity[], { t, locale }: PaneContext): HTMLElement {
  if (!list.length) return h('p', { class: 'muted', 'data-testid': 'customer-opportunities' }, [t('console.opportunities.empty')]);
  return h('table', { class: 'data-table', 'data-testid': 'customer-opportunities' }, [
    h(
      'tbody',
      {},
      list.map((o) =>
        h('tr', { 'data-opportunity': o.id, 'data-conversation': o.conversation_id }, [
          h('td', { lang: 'und' }, [o.product ?? '']),
          h('td', {}, [o.stage]),
          h('td', { class: 'num' }, [o.value === undefined ? '' : `${formatDecimal(o.value, locale)} ${o.currency ?? ''}`.trim()]),
          h('td', {}, [labelOf(t, 'console.intent', o.intent)]),
        ]),
      ),
    ),
  ]);
}
