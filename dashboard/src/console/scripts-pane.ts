import { h, setText } from '../dom.js';
import type { MessageKey } from '../i18n/index.js';
import { consoleRequest, type Fetch } from './api.js';
import { labelOf, type PaneContext } from './labels.js';
import { scriptFromForm, SCRIPT_INTENTS, SCRIPT_STAGES, SCRIPT_TAGS, type ScriptDoc } from './script-form.js';
import { isManager, type ConsoleState } from './state.js';

/**
 * The reply script library editor, for managers and admins in the console: the list (id, language, tags,
 * stages, intents, text), and create / edit / delete one script through PUT and DELETE
 * /v1/suggestions/scripts/{id}. Delete asks once more on the same button. Agents never see it (the routes
 * would answer 403 anyway). Texts go into the DOM as text only.
 */
export function createScriptsPane(deps: { fetch: Fetch; getKey(): string | null }) {
  const title = h('h2', { class: 'panel-title' });
  const count = h('span', { class: 'muted', 'data-testid': 'scripts-count' });
  const newBtn = h('button', { type: 'button', class: 'btn-primary', 'data-testid': 'script-new' });
  const intro = h('p', { class: 'muted' });
  const status = h('p', { class: 'console-notice', role: 'status', 'data-testid': 'scripts-status', hidden: true });
  const table = h('table', { class: 'data-table scripts-table', 'data-testid': 'scripts-table' });
  const form = h('form', { class: 'script-form', 'data-testid': 'script-form', hidden: true });
  const el = h('section', { class: 'panel console-scripts', 'data-testid': 'scripts-pane', hidden: true }, [
    h('header', { class: 'panel-head' }, [title, count, newBtn]),
    h('div', { class: 'panel-body' }, [intro, status, form, table]),
  ]);

  let scripts: ScriptDoc[] | null = null;
  let editing: ScriptDoc | 'new' | null = null;
  let armedDelete: string | null = null;
  let ctx: PaneContext | null = null;
  let loading = false;
  const api = <T>(method: string, url: string, body?: unknown) => consoleRequest<T>(deps.fetch, deps.getKey() ?? '', method, url, body);
  const say = (key: MessageKey, params: Record<string, string | number>, tone: 'ok' | 'error') => {
    status.hidden = false;
    status.dataset.tone = tone;
    setText(status, ctx ? ctx.t(key, params) : '');
  };

  async function load() {
    loading = true;
    const r = await api<{ scripts: ScriptDoc[] }>('GET', '/v1/suggestions/scripts');
    loading = false;
    scripts = r.ok ? r.data.scripts : [];
    if (!r.ok) say('scripts.error', { message: r.message }, 'error');
    paintList();
  }

  const checks = (name: string, all: readonly string[], chosen: string[], label: (v: string) => string) =>
    h(
      'fieldset',
      { class: 'script-checks', 'data-field': name },
      all.map((v) => h('label', {}, [h('input', { type: 'checkbox', name, value: v, checked: chosen.includes(v) }), ` ${label(v)}`])),
    );

  function paintForm() {
    form.hidden = editing === null;
    if (!ctx || editing === null) return void form.replaceChildren();
    const { t } = ctx;
    const s: ScriptDoc = editing === 'new' ? { id: '', lang: 'zh', tags: [], stages: [], intents: [], text: '' } : editing;
    const row = (label: string, field: HTMLElement) => h('label', { class: 'script-row' }, [h('span', { class: 'tool-label' }, [label]), field]);
    const text = h('textarea', { name: 'text', rows: 3, 'data-testid': 'script-text' });
    text.value = s.text;
    form.replaceChildren(
      row(t('scripts.id'), h('input', { name: 'id', value: s.id, readonly: editing !== 'new', 'data-testid': 'script-id' })),
      row(
        t('scripts.lang'),
        h(
          'select',
          { name: 'lang', 'data-testid': 'script-lang' },
          ['zh', 'en'].map((l) => h('option', { value: l, selected: l === s.lang }, [l === 'zh' ? '中文 zh' : 'English en'])),
        ),
      ),
      row(
        t('scripts.tags'),
        checks('tags', SCRIPT_TAGS, s.tags, (v) => labelOf(t, 'console.tag', v)),
      ),
      row(
        t('scripts.stages'),
        checks('stages', SCRIPT_STAGES, s.stages, (v) => labelOf(t, 'scripts.stage', v)),
      ),
      row(
        t('scripts.intents'),
        checks('intents', SCRIPT_INTENTS, s.intents, (v) => labelOf(t, 'console.intent', v)),
      ),
      row(t('scripts.text'), text),
      h('div', { class: 'script-actions' }, [
        h('button', { type: 'submit', class: 'btn-primary', 'data-testid': 'script-save' }, [t('scripts.save')]),
        h('button', { type: 'button', 'data-action': 'cancel', 'data-testid': 'script-cancel' }, [t('scripts.cancel')]),
      ]),
    );
  }

  function paintList() {
    if (!ctx) return;
    const { t } = ctx;
    const any = t('scripts.any');
    setText(count, scripts ? t('scripts.count', { n: scripts.length }) : '');
    const list = (xs: string[], prefix: string) => (xs.length ? xs.map((x) => labelOf(t, prefix, x)).join(', ') : any);
    table.replaceChildren(
      h('thead', {}, [
        h(
          'tr',
          {},
          [t('scripts.id'), t('scripts.lang'), t('scripts.tags'), t('scripts.stages'), t('scripts.intents'), t('scripts.text'), ''].map((c) =>
            h('th', {}, [c]),
          ),
        ),
      ]),
      h(
        'tbody',
        {},
        scripts && scripts.length
          ? scripts.map((s) =>
              h('tr', { 'data-script': s.id }, [
                h('td', { lang: 'und' }, [s.id]),
                h('td', {}, [s.lang]),
                h('td', {}, [list(s.tags, 'console.tag')]),
                h('td', {}, [list(s.stages, 'scripts.stage')]),
                h('td', {}, [list(s.intents, 'console.intent')]),
                h('td', { class: 'script-text', 'data-testid': 'script-row-text' }, [s.text]),
                h('td', { class: 'script-row-actions' }, [
                  h('button', { type: 'button', 'data-action': 'edit', 'data-id': s.id, 'data-testid': 'script-edit' }, [t('scripts.edit')]),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: armedDelete === s.id ? 'btn-danger' : '',
                      'data-action': 'delete',
                      'data-id': s.id,
                      'data-testid': 'script-delete',
                    },
                    [armedDelete === s.id ? t('scripts.deleteConfirm', { id: s.id }) : t('scripts.delete')],
                  ),
                ]),
              ]),
            )
          : [h('tr', {}, [h('td', { colspan: 7, class: 'muted' }, [t('scripts.empty')])])],
      ),
    );
  }

  newBtn.addEventListener('click', () => {
    editing = 'new';
    armedDelete = null;
    paintForm();
  });
  table.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('button[data-action]');
    const id = b?.dataset.id;
    if (!b || !id || !scripts) return;
    if (b.dataset.action === 'edit') {
      editing = scripts.find((s) => s.id === id) ?? null;
      armedDelete = null;
      paintForm();
      return;
    }
    if (armedDelete !== id) {
      armedDelete = id;
      return paintList();
    }
    armedDelete = null;
    void api<{ scripts: number }>('DELETE', `/v1/suggestions/scripts/${encodeURIComponent(id)}`).then((r) => {
      if (r.ok) say('scripts.deleted', { id }, 'ok');
      else say('scripts.error', { message: r.message }, 'error');
      void load();
    });
  });
  form.addEventListener('click', (e) => {
    if ((e.target as Element).closest('[data-action=cancel]')) {
      editing = null;
      paintForm();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fd = new FormData(form);
    const field = (name: string): string => {
      const v = fd.get(name);
      return typeof v === 'string' ? v : '';
    };
    const values = {
      id: field('id'),
      lang: field('lang'),
      tags: fd.getAll('tags').map(String),
      stages: fd.getAll('stages').map(String),
      intents: fd.getAll('intents').map(String),
      text: field('text'),
    };
    const r = scriptFromForm(values);
    if (!r.ok) return say('scripts.error', { message: r.message }, 'error');
    void api<{ created: boolean }>('PUT', `/v1/suggestions/scripts/${encodeURIComponent(r.script.id)}`, r.script).then((res) => {
      if (!res.ok) return say('scripts.error', { message: res.message }, 'error');
      say('scripts.saved', { id: r.script.id }, 'ok');
      editing = null;
      paintForm();
      void load();
    });
  });

  let shownLocale = '';
  return {
    el,
    render(s: ConsoleState, c: PaneContext) {
      ctx = c;
      el.hidden = !isManager(s.me);
      if (el.hidden) return;
      setText(title, c.t('scripts.title'));
      setText(newBtn, c.t('scripts.new'));
      setText(intro, c.t('scripts.intro'));
      if (scripts === null && !loading) void load();
      if (shownLocale !== c.locale) {
        shownLocale = c.locale;
        paintList();
        paintForm();
      }
    },
  };
}
