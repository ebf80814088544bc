/**
 * Install path 1: `npm pack` → a fresh project → `npm install ./claude-code-wrapper-x.y.z.tgz`.
 * Then, as its user: an ESM import, a TypeScript file that type-checks against the shipped types,
 * `npx claude-wrapper --version`, `npx claude-wrapper serve` without a CLI or a login (it starts and
 * says so), and the README's plain-JavaScript quick start run with node against the fake CLI.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClaudePath } from '../fixtures/fake-claude-helpers.mjs';
import { README, readmeBlock } from '../support/readme-block.js';
import {
  emptyProject,
  NPM_FLAGS,
  packInto,
  ROOT,
  run,
  runOk,
  start,
  stop,
  tempDir,
  userEnv,
  VERSION,
  waitForStderr,
} from './helpers.js';

const tmp = tempDir('tarball');
const project = join(tmp.path, 'project');
const home = join(tmp.path, 'home');

beforeAll(() => {
  const tarball = packInto(tmp.path);
  emptyProject(project);
  emptyProject(home);
  runOk('npm', ['install', tarball, ...NPM_FLAGS], project);
}, 180_000);
afterAll(() => tmp.cleanup());

describe('npm install ./claude-code-wrapper-x.y.z.tgz', () => {
  it('imports as ESM', () => {
    const script = `import { ClaudeCodeWrapper, TESTED_CLI_RANGE } from 'claude-code-wrapper';
console.log(typeof ClaudeCodeWrapper, TESTED_CLI_RANGE);`;
    const { stdout } = runOk(process.execPath, ['--input-type=module', '-e', script], project);
    expect(stdout.trim()).toBe('function >=2.1.0 <3.0.0');
  });

  it('type-checks a TypeScript file against the shipped types', () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import { ClaudeCodeWrapper, askClaude, type ClaudeCodeResponse, type HealthReport } from 'claude-code-wrapper';

const claude = new ClaudeCodeWrapper({ model: 'sonnet', timeoutMs: 120_000 });
export async function demo(): Promise<string> {
  const first: ClaudeCodeResponse = await claude.run('Name three prime numbers.');
  await using chat = claude.session();
  const { content } = await chat.ask('What is my name?');
  const health: HealthReport = await claude.healthCheck();
  return [first.content, content, health.status, (await askClaude('2 + 2?')).content].join();
}
// @ts-expect-error timeoutMs is a number: the types are real, not \`any\`
new ClaudeCodeWrapper({ timeoutMs: 'soon' });
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['use.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = run(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('runs npx claude-wrapper --version', () => {
    expect(runOk('npx', ['--no', '--', 'claude-wrapper', '--version'], project).stdout.trim()).toBe(VERSION);
  });

  it('serves without a CLI or a login, and says so in one line', async () => {
    const child = start(
      'npx',
      ['--no', '--', 'claude-wrapper', 'serve', '--port', '0'],
      project,
      userEnv({ HOME: home }),
    );
    try {
      const [, url] = await waitForStderr(child, /listening on (http:\/\/\S+)\n/);
      const [line] = await waitForStderr(child, /^(Not ready|Ready).*$/m);
      expect(line).toBe(
        'Not ready, requests will fail: no Claude Code CLI (npm install @anthropic-ai/claude-code, or set CLAUDE_BINARY); ' +
          'no Claude login or API key (run `claude` and /login, or set ANTHROPIC_API_KEY).',
      );
      const health = await fetch(`${url ?? ''}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: 'unavailable' });
    } finally {
      await stop(child);
    }
  });

  it("runs the README's plain-JavaScript quick start with node", () => {
    const block = readmeBlock(readFileSync(README, 'utf8'), 'quickstart-js').body;
    const code = /```js\n([\s\S]*?)```/.exec(block)?.[1];
    expect(code).toContain("from 'claude-code-wrapper'");
    expect(code).not.toContain('await using');
    writeFileSync(join(project, 'quickstart.mjs'), code ?? '');
    const result = runOk(
      process.execPath,
      ['quickstart.mjs'],
      project,
      userEnv({ HOME: home, CLAUDE_BINARY: fakeClaudePath, ANTHROPIC_API_KEY: 'sk-test' }),
    );
    // The fake CLI echoes each prompt; the session's second answer comes from the same process.
    expect(result.stdout).toContain('fake reply 2 to: What is my name?');
  });
});
