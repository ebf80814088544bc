/** @module Error classes, re-exported. */
export * from './claude-code-error.js';
export * from './kinds.js';
export * from './run-error.js';
