/**
 * @module
 * The files a run with client tools leaves in the CLI's config directory: the CLI saves every image
 * a tool result carries (`<projects>/<cwd>/<session>/tool-results/mcp-ccw_client_tools-blob-…`),
 * although the transcript holds it inline too. Those are the caller's data, on the server's disk,
 * for nothing: they go once the run is over (a run that failed goes whole, with its transcript:
 * `discardWhenStopped`).
 */
import type { ClaudeCodeWrapper } from '../client/wrapper.js';
import type { ClaudeCodeResponse } from '../core/response.js';
import { discardToolResultBlobs } from '../session/discard-transcript.js';
import type { RunCursor } from '../tools/run-cursor.js';
import { CLIENT_TOOL_SERVER } from '../tools/tool-bridge.js';
import type { TranslatedRequest } from '../compat/anthropic/translate-request.js';

/** Remove the client tools' image files of the run `cursor` reads once it has answered, in the background. */
export function discardToolResultFilesWhenDone(
  wrapper: ClaudeCodeWrapper,
  request: TranslatedRequest,
  cursor: RunCursor,
): void {
  const env = { ...process.env, ...wrapper.config.env, ...request.runOptions.env };
  void cursor.result
    .then((response) =>
      discardToolResultBlobs({
        env,
        sessionId: response.sessionId,
        cwd: workingDirectoryOf(response),
        server: CLIENT_TOOL_SERVER,
      }),
    )
    .catch(() => undefined);
}

/** The working directory the CLI announced in its `init` line. */
function workingDirectoryOf(response: ClaudeCodeResponse): string | undefined {
  const init = response.messages.find((m) => m.type === 'system' && m['subtype'] === 'init');
  const cwd = init?.['cwd'];
  return typeof cwd === 'string' ? cwd : undefined;
}
