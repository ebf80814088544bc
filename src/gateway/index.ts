/**
 * @module
 * The gateway: the proxy's stateful request lifecycle, shared by every wire API (HTTP routes) and
 * the SDK-shaped client. Re-exports only; see `gateway-request.ts` (one object per request) and
 * `messages-service.ts` (which opens them).
 */
export {
  AnthropicMessagesService,
  type AnthropicMessagesServiceOptions,
  type MessagesStreamResult,
  type ResultMeta,
  type StreamStart,
} from './messages-service.js';
export { GatewayRequest, type OpenOptions, type RequestStart } from './gateway-request.js';
export { planConversation, rememberAnswer, type ContextMode, type ConversationPlan } from './conversation.js';
export { conversationKey, canonicalJson, type ConversationKeyInput } from './conversation-key.js';
export { buildContextForUnknownHistory } from './flatten-history.js';
export { toStreamEvents, type StreamEventsOptions, type StreamOutcome } from './to-stream-events.js';
export { claimToolRun, toolRunsFor, type ExpiredToolResultsPolicy, type ToolRun } from './tool-runs.js';
export { DEFAULT_RESPONSE_STORE_ENTRIES, ResponseStore } from './response-store.js';
export {
  DEFAULT_MODEL_MAP,
  mergeModelMap,
  runModelResolver,
  type ModelResolution,
  type RunModel,
  type RunModelResolver,
} from './run-model.js';
