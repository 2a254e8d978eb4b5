export { catalogues, localeNames, LOCALES, type Catalogue, type Locale, type MessageKey } from './messages.js';
export { detectLocale, LOCALE_STORAGE, matchLocale, translate, translator, type Translate } from './locale.js';
