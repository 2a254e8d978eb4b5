export * from './csv.js';
export * from './customer-export.js';
export * from './customer-erasure.js';
