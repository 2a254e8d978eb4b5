import type { AppState, View } from '../app/store.js';
import { h, setText } from '../dom.js';
import { translator, type MessageKey } from '../i18n/index.js';

export interface SignInActions {
  /** Tries a key; resolves to an error message key (and params) to show, or null on success. */
  submit(key: string): Promise<{ key: MessageKey; params?: Record<string, string> } | null>;
}

/** The small form asking for the access key; shown when no key is known or the server rejected it. */
export function createSignIn(actions: SignInActions): View & { showError(key: MessageKey | null, params?: Record<string, string>): void } {
  const title = h('h1', { class: 'signin-title' });
  const prompt = h('p', { class: 'signin-prompt' });
  const labelText = h('span');
  const input = h('input', {
    type: 'password',
    name: 'key',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'data-testid': 'signin-key',
  });
  const submit = h('button', { type: 'submit', class: 'btn-primary', 'data-testid': 'signin-submit' });
  const error = h('p', { class: 'signin-error', role: 'alert', 'data-testid': 'signin-error', hidden: true });
  const form = h('form', { class: 'signin-card', 'data-testid': 'signin-form' }, [
    title,
    prompt,
    h('label', { class: 'signin-label' }, [labelText, input]),
    error,
    submit,
  ]);
  const el = h('div', { class: 'signin', hidden: true }, [form]);

  let locale: AppState['locale'] = 'en';
  let errorKey: MessageKey | null = null;
  let errorParams: Record<string, string> | undefined;
  const paintError = () => {
    error.hidden = errorKey === null;
    setText(error, errorKey ? translator(locale)(errorKey, errorParams) : '');
  };
  const showError = (key: MessageKey | null, params?: Record<string, string>) => {
    errorKey = key;
    errorParams = params;
    paintError();
  };

  // A listener's returned promise is ignored, so the handler runs detached; actions.submit reports a failure in its result.
  form.addEventListener('submit', (e) => void (async () => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    submit.disabled = true;
    try {
      const result = await actions.submit(key);
      showError(result?.key ?? null, result?.params);
      if (!result) input.value = '';
    } finally {
      submit.disabled = false;
    }
  })());

  let wasHidden = true;
  return {
    el,
    showError,
    render(state: AppState) {
      locale = state.locale;
      const t = translator(state.locale);
      el.hidden = state.signedIn;
      setText(title, t('signin.title'));
      setText(prompt, t('signin.prompt'));
      setText(labelText, t('signin.label'));
      setText(submit, t('signin.submit'));
      paintError();
      if (wasHidden && !el.hidden) queueMicrotask(() => input.focus());
      wasHidden = el.hidden;
    },
  };
}
