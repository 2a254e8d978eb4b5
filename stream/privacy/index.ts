export * from './csv.js';
export * from './customer-export.js';
