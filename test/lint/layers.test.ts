/**
 * The layer and cycle rules of eslint.config.mjs fire (README "Design"): code written into a real
 * file's place is linted with the project's config.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('lint: layers and cycles', () => {
  it('refuses an import from a higher layer', async () => {
    expect(
      await ruleIds('src/core/layer-probe.ts', "export { createServer } from '../http/server.js';\n"),
    ).toContain('import-x/no-restricted-paths');
    expect(
      await ruleIds(
        'src/client/layer-probe.ts',
        "export { ClientToolBridge } from '../tools/tool-bridge.js';\n",
      ),
    ).toContain('import-x/no-restricted-paths');
  });

  it('refuses process/ from http/, cli/ and observability/, and state from compat/', async () => {
    for (const folder of ['http', 'cli', 'observability']) {
      expect(
        await ruleIds(
          `src/${folder}/layer-probe.ts`,
          "export { buildCliEnv } from '../process/build-env.js';\n",
        ),
      ).toContain('import-x/no-restricted-paths');
    }
    expect(
      await ruleIds(
        'src/compat/openai/layer-probe.ts',
        "export type { SessionStore } from '../../session/session-store.js';\n",
      ),
    ).toContain('import-x/no-restricted-paths');
    expect(
      await ruleIds(
        'src/compat/anthropic/layer-probe.ts',
        "export type { ClaudeCodeWrapper } from '../../client/wrapper.js';\n",
      ),
    ).toContain('import-x/no-restricted-paths');
  });

  it('allows imports down the layers', async () => {
    expect(
      await ruleIds(
        'src/compat/anthropic/layer-probe.ts',
        "export type { RunOptions } from '../../client/run-options.js';\nexport { ClaudeCodeError } from '../../core/errors/index.js';\n",
      ),
    ).toEqual([]);
  });

  it('refuses an import cycle, type-only imports included', async () => {
    // cli/program.ts imports cli/commands/session.ts.
    expect(
      await ruleIds(
        'src/cli/commands/session.ts',
        "import type { ProgramOutput } from '../program.js';\nexport type { ProgramOutput };\n",
      ),
    ).toContain('local/no-import-cycle');
  });
});
