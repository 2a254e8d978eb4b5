import { h, setText } from '../dom.js';
import { formatDecimal } from '../format/number.js';
import { clockOf, labelOf, type PaneContext } from './labels.js';
import { opportunityList } from './opportunity-pane.js';
import type { ConsoleState, CustomerPanel } from './state.js';
import type { TimelineEvent } from './types.js';

const fieldText = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : `${v as number | boolean}`;

/** What a timeline line says: the message text when there is one, else the outcome/value/intent it carries. */
function eventDetail(e: TimelineEvent): string {
  const p = e.properties ?? {};
  for (const k of ['text', 'outcome', 'value', 'intent', 'reason']) if (p[k] !== undefined && p[k] !== null && p[k] !== '') return fieldText(p[k]);
  return '';
}

/**
 * Beside the chat: the customer's profile (tag, tags, identifiers, CRM fields), orders and the cross-channel
 * timeline, from `GET /v1/customers/{id}` and `/timeline`: the selected conversation's customer, or the one the
 * customer search opened.
 */
export function createCustomerPane(extra: HTMLElement[] = []) {
  const profileTitle = h('h2', { class: 'panel-title' });
  const profile = h('div', { class: 'customer-profile', 'data-testid': 'customer-profile' });
  const ordersTitle = h('h3', { class: 'list-title' });
  const orders = h('div', { 'data-testid': 'customer-orders' });
  const oppsTitle = h('h3', { class: 'list-title' });
  const opps = h('div', {});
  const timelineTitle = h('h3', { class: 'list-title' });
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'customer-timeline' });
  const error = h('p', { class: 'muted', 'data-testid': 'customer-error', hidden: true });
  const el = h('aside', { class: 'panel console-customer', 'data-testid': 'customer-pane', hidden: true }, [
    h('header', { class: 'panel-head' }, [profileTitle]),
    h('div', { class: 'panel-body' }, [error, profile, ordersTitle, orders, oppsTitle, opps, ...extra, timelineTitle, timeline]),
  ]);

  function renderProfile(c: CustomerPanel, { t }: PaneContext) {
    const p = c.profile;
    if (!p) return profile.replaceChildren(h('p', { class: 'muted' }, [c.error ? '' : t('console.profile.loading')]));
    const crm = p.crm?.status === 'ok' ? Object.entries(p.crm.fields ?? {}) : [];
    profile.replaceChildren(
      h('div', { class: 'customer-id', lang: 'und' }, [h('strong', {}, [p.id]), p.external_id ? h('span', { class: 'muted' }, [` · ${p.external_id}`]) : null]),
      h('div', { class: 'conv-meta', 'data-testid': 'customer-tags' }, [
        h('span', { class: 'muted' }, [t('console.profile.tag')]),
        h('span', { class: `chip chip-${p.tag}`, 'data-tag': p.tag }, [labelOf(t, 'console.tag', p.tag)]),
        ...(p.tags ?? []).filter((x) => x.tag !== p.tag).map((x) => h('span', { class: 'chip', 'data-tag': x.tag }, [labelOf(t, 'console.tag', x.tag)])),
      ]),
      h('p', { class: 'muted identifiers', lang: 'und', hidden: !p.identifiers?.length }, [
        `${t('console.profile.identifiers')}: ${(p.identifiers ?? []).join(', ')}`,
      ]),
      h('h3', { class: 'list-title' }, [t('console.profile.crm')]),
      p.crm?.status === 'ok'
        ? h(
            'dl',
            { class: 'crm-fields', 'data-testid': 'customer-crm' },
            crm.flatMap(([k, v]) => [h('dt', {}, [k]), h('dd', { lang: 'und' }, [fieldText(v)])]),
          )
        : h('p', { class: 'muted', 'data-testid': 'customer-crm' }, [
            t(p.crm?.status === 'not_found' ? 'console.profile.crmNotFound' : 'console.profile.crmUnavailable'),
          ]),
    );
  }

  function renderOrders(c: CustomerPanel, { t, locale }: PaneContext) {
    const list = c.profile?.crm?.orders ?? [];
    if (!list.length) return orders.replaceChildren(h('p', { class: 'muted' }, [t('console.orders.empty')]));
    orders.replaceChildren(
      h('table', { class: 'data-table' }, [
        h(
          'tbody',
          {},
          list.map((o) =>
            h('tr', { 'data-order': o.id }, [
              h('td', {}, [o.id]),
              h('td', {}, [o.placed_at.slice(0, 10)]),
              h('td', {}, [o.status]),
              h('td', { class: 'num' }, [`${formatDecimal(o.total, locale)} ${o.currency}`]),
              h('td', { lang: 'und' }, [(o.items ?? []).join(', ')]),
            ]),
          ),
        ),
      ]),
    );
  }

  function renderTimeline(c: CustomerPanel, { t, locale }: PaneContext) {
    const events = c.timeline ?? [];
    if (!events.length) return timeline.replaceChildren(h('li', { class: 'muted' }, [t('console.timeline.empty')]));
    timeline.replaceChildren(
      ...events.map((e) =>
        h('li', { 'data-type': e.type, 'data-channel': e.channel, 'data-conversation': e.conversation_id ?? '' }, [
          h('span', { class: 'tl-time' }, [clockOf(e.occurred_at, locale)]),
          h('span', { class: 'chip' }, [labelOf(t, 'channel', e.channel)]),
          h('span', { class: 'tl-type' }, [e.type]),
          h('span', { class: 'tl-detail', lang: 'und' }, [eventDetail(e)]),
        ]),
      ),
    );
  }

  let shown: { customer?: CustomerPanel | null; locale?: string } = {};
  return {
    el,
    render(s: ConsoleState, ctx: PaneContext) {
      const { t } = ctx;
      // beside a selected conversation, or alone when the search opened a customer
      el.hidden = !s.selected && !s.customer;
      setText(profileTitle, t('console.profile.title'));
      setText(ordersTitle, t('console.orders.title'));
      setText(oppsTitle, t('console.opportunities.title'));
      setText(timelineTitle, t('console.timeline.title'));
      const c = s.customer;
      error.hidden = !c?.error;
      setText(error, c?.error ? t('console.error', { message: c.error }) : '');
      if (shown.customer === c && shown.locale === ctx.locale) return;
      shown = { customer: c, locale: ctx.locale };
      if (!c) {
        profile.replaceChildren(h('p', { class: 'muted' }, [t('console.profile.loading')]));
        orders.replaceChildren();
        opps.replaceChildren();
        timeline.replaceChildren();
        return;
      }
      renderProfile(c, ctx);
      renderOrders(c, ctx);
      opps.replaceChildren(opportunityList(c.profile?.crm?.opportunities ?? [], ctx));
      renderTimeline(c, ctx);
    },
  };
}
