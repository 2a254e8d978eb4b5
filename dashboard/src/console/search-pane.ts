import { h, setAttr, setText } from '../dom.js';
import type { MessageKey } from '../i18n/index.js';
import type { PaneContext } from './labels.js';
import { SEARCH_KINDS, type SearchHit, type SearchKind, type SearchState } from './search.js';
import type { ConsoleState } from './state.js';

/**
 * The customer search above the console's panes: a kind (auto, phone, e-mail, external id, customer id or a
 * channel's provider id) and a text; one match opens the profile beside the chat, several are listed to pick from.
 * Customer data (ids, identifiers) is only ever set as text.
 */
export function createSearchPane(actions: { search(kind: SearchKind, text: string): void; open(id: string): void }) {
  const label = h('label', { class: 'tool-label', for: 'customer-search-input' });
  const options = SEARCH_KINDS.map((k) => h('option', { value: k }));
  const kind = h('select', { 'data-testid': 'customer-search-kind', 'aria-label': '' }, options);
  const input = h('input', { type: 'search', id: 'customer-search-input', 'data-testid': 'customer-search-input', autocomplete: 'off', spellcheck: false });
  const submit = h('button', { type: 'submit', class: 'btn-primary btn-small', 'data-testid': 'customer-search-submit' });
  const form = h('form', { class: 'action-form customer-search-form', role: 'search', 'data-testid': 'customer-search' }, [label, kind, input, submit]);
  const status = h('p', {
    class: 'muted customer-search-status',
    role: 'status',
    'aria-live': 'polite',
    'data-testid': 'customer-search-status',
    hidden: true,
  });
  const results = h('ul', { class: 'customer-search-results', 'data-testid': 'customer-search-results', hidden: true });
  const el = h('div', { class: 'panel customer-search', hidden: true }, [form, status, results]);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    actions.search(kind.value as SearchKind, input.value);
  });

  function renderResults(s: SearchState, selected: string | undefined) {
    results.hidden = s.status !== 'found';
    if (results.hidden) return results.replaceChildren();
    results.replaceChildren(
      ...s.hits.map((hit: SearchHit) => {
        const button = h('button', { type: 'button', class: `conv-item${hit.id === selected ? ' is-selected' : ''}`, 'data-customer': hit.id, lang: 'und' }, [
          h('strong', {}, [hit.id]),
          hit.external_id ? h('span', { class: 'muted' }, [` · ${hit.external_id}`]) : null,
          h('span', { class: 'muted customer-search-matched' }, [` · ${hit.matched.join(', ')}`]),
        ]);
        button.addEventListener('click', () => actions.open(hit.id));
        return h('li', {}, [button]);
      }),
    );
  }

  let shown: { search?: SearchState; selected?: string; locale?: string } = {};
  return {
    el,
    render(s: ConsoleState, ctx: PaneContext) {
      const { t } = ctx;
      el.hidden = !s.me;
      setText(label, t('console.search.label'));
      setAttr(kind, 'aria-label', t('console.search.kindLabel'));
      for (const o of options) setText(o, t(`console.search.kind.${o.value as SearchKind}`));
      setAttr(input, 'placeholder', t('console.search.placeholder'));
      setText(submit, t(s.search.status === 'searching' ? 'console.search.searching' : 'console.search.submit'));
      submit.disabled = s.search.status === 'searching';
      const e = s.search.error;
      const line =
        s.search.status === 'none'
          ? t('console.search.none', { text: s.search.text })
          : s.search.status === 'error' && e
            ? t(e.key as MessageKey, e.params ?? { message: '' })
            : s.search.status === 'found' && s.search.hits.length > 1
              ? t('console.search.several', { n: s.search.hits.length })
              : '';
      status.hidden = !line;
      status.dataset.status = s.search.status;
      setText(status, line);
      const selected = s.customer?.id;
      if (shown.search === s.search && shown.selected === selected && shown.locale === ctx.locale) return;
      shown = { search: s.search, selected, locale: ctx.locale };
      renderResults(s.search, selected);
    },
  };
}
