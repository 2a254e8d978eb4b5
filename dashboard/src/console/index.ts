export { createConsoleView, type ConsoleViewDeps } from './console-view.js';
