/** @module OpenAI Chat Completions compatibility: request and response translation, errors, SSE framing. */
export * from './data-url.js';
export * from './errors.js';
export * from './models.js';
export * from './request-schema.js';
export * from './response-fields.js';
export * from './sse.js';
export * from './to-anthropic.js';
export * from './to-anthropic-tools.js';
export * from './to-chat-completion.js';
export * from './to-chunks.js';
