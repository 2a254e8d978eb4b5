export * from './distributions.js';
export * from './confidence-sequence.js';
export * from './bayes.js';
export * from './srm.js';
export * from './multiple.js';
export * from './tests.js';
