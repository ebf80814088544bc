/**
 * @module
 * What both Messages-running routes share: open the gateway request for a body (validation now,
 * the concurrency slot, the client's disconnect, the server's drain and the keep-alive interval
 * handed to the gateway), start a stream, and the `x-claude-*` headers of an answer.
 */
import type { Context } from 'hono';
import type { GatewayRequest, ResultMeta } from '../../gateway/messages-service.js';
import type { RunAdmission } from '../../resilience/usage/key-usage.js';
import type { AppEnv, AppServices } from '../app-context.js';
import { clientSignal, type ClientLink, type StartedRequest } from '../edge.js';

/** A validated request and its client. */
export interface OpenedRequest {
  readonly request: GatewayRequest;
  readonly client: ClientLink;
}

/**
 * Validate `body`, admit it under the caller's key limits (budgets, runs at once) and open its
 * gateway request (nothing runs yet). The admission ends with the request's result: the run's cost
 * is charged to the key, and its place among the key's runs is given back.
 * @throws the validation error (400); a key limit reached (429) or its store failing (529).
 */
export async function openMessages(
  c: Context<AppEnv>,
  services: AppServices,
  body: unknown,
  extraWarnings: readonly string[] = [],
): Promise<OpenedRequest> {
  const client = clientSignal(c);
  const request = services.messages.open(body, {
    signals: [client.signal, services.shutdown],
    gate: services.gate,
    pingIntervalMs: services.options.ssePingIntervalMs,
    extraWarnings,
  });
  let admission: RunAdmission;
  try {
    admission = await services.quotas.admitRun(c);
  } catch (error) {
    request.abort(error);
    throw error;
  }
  // The cost of every answered request, by caller; a failed or abandoned one reports none here.
  const caller = c.get('clientId');
  request.result.then(
    (meta) => {
      services.metrics.clientCost.inc({ client: caller }, meta.costUsd);
      admission.end(meta.costUsd);
    },
    () => admission.end(),
  );
  return { request, client };
}

/**
 * Start streaming: resolves once the first event is there (or the client has waited a ping
 * interval), so a failure before any output still becomes a proper HTTP status.
 */
export async function startStream(
  { request, client }: OpenedRequest,
  pingIntervalMs: number,
): Promise<StartedRequest> {
  const start = await request.start();
  const headers = { 'x-claude-code-context': start.context, ...warningsHeader(start.warnings) };
  return { request, start, client, headers, pingIntervalMs };
}

/** Set {@link resultHeaders} on the response of `c`. */
export function setResultHeaders(c: Context<AppEnv>, meta: ResultMeta): void {
  for (const [name, value] of Object.entries(resultHeaders(meta))) c.header(name, value);
}

/** Headers carrying what the proxy knows about a finished run. */
function resultHeaders(meta: ResultMeta): Record<string, string> {
  const headers: Record<string, string> = {
    'x-claude-cost-usd': meta.costUsd.toFixed(6),
    'x-claude-code-context': meta.context,
    'x-claude-duration-ms': String(meta.durationMs),
  };
  if (meta.sessionId) headers['x-claude-session-id'] = meta.sessionId;
  Object.assign(headers, warningsHeader(meta.warnings));
  return headers;
}

/** `x-claude-code-warnings`, one line, when there is anything to say. */
function warningsHeader(warnings: readonly string[]): Record<string, string> {
  return warnings.length > 0
    ? { 'x-claude-code-warnings': warnings.join('; ').replace(/[\r\n]+/g, ' ') }
    : {};
}
