/**
 * Reading what the wrapper sent in the CLI's `initialize` control request (system prompt, appendix,
 * JSON schema travel there, not on argv) from a fake CLI invocation's recorded stdin.
 */

/** The `request` of the first `initialize` control request on `invocation.stdin`, if any. */
export function initializeRequest(
  invocation: { readonly stdin: readonly unknown[] } | undefined,
): Record<string, unknown> | undefined {
  for (const line of invocation?.stdin ?? []) {
    const message = line as { type?: unknown; request?: { subtype?: unknown } } | null;
    if (message?.type === 'control_request' && message.request?.subtype === 'initialize') {
      return message.request as Record<string, unknown>;
    }
  }
  return undefined;
}
