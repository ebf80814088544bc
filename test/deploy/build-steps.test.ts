/**
 * The Dockerfile's build, without Docker: every RUN line either calls deploy/docker/build-steps.sh
 * or is image housekeeping listed below, and the build-steps.sh calls run here, in the same order
 * and with the same arguments (image paths mapped to temporary ones), in a copy of the repository
 * holding what `.dockerignore` lets into the build context. The runtime they install is then started
 * as the image starts it, and must find the CLI it pinned.
 *
 * Cost: ~60 s on a 2-core machine with a warm npm cache (npm ci ~20 s, the build ~20 s, the runtime
 * install ~15 s); the first run on a cold cache downloads the packages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dockerfileArg,
  dockerfileEnv,
  dockerfileInstructions,
  readJson,
  readRepoFile,
  ROOT,
} from './deploy-files.js';

/** RUN lines that only prepare the image (need root or apt, no project code): not run here. */
const HOUSEKEEPING = [
  /^apt-get update && apt-get install -y --no-install-recommends tini && rm -rf \/var\/lib\/apt\/lists\/\*$/,
  /^install -d -o node -g node /,
];

/**
 * `.dockerignore` as Docker reads the patterns used there: `name` and `*.ext` at the root of the
 * context, `** /name` and `** /*.ext` (without the space) at any depth. Anything else is refused,
 * so that a new kind of pattern cannot silently be read differently here.
 */
function dockerIgnore(patterns: readonly string[]): (path: string) => boolean {
  const toRegExp = (glob: string): string =>
    glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  const rules = patterns.map((pattern) => {
    if (!/^(\*\*\/)?[\w.*-]+$/.test(pattern) || pattern.startsWith('!')) {
      throw new Error(`.dockerignore pattern not understood by this test: ${pattern}`);
    }
    return pattern.startsWith('**/')
      ? new RegExp(`(^|/)${toRegExp(pattern.slice(3))}(/|$)`)
      : new RegExp(`^${toRegExp(pattern)}(/|$)`);
  });
  return (path) => rules.some((rule) => rule.test(path));
}

/** The patterns of the repository's .dockerignore. */
function ignorePatterns(): string[] {
  return readRepoFile('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Run a command; resolve with its exit code and output (the build steps print a lot). */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** A clean environment for npm: the outer `npm test` passes `npm_*` settings that would leak in. */
function buildEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(npm_|NODE_OPTIONS$|VITEST|CLAUDE_|ANTHROPIC_)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

const work = mkdtempSync(join(tmpdir(), 'deploy-build-'));
// ~750 MB in ~30,000 files (two node_modules): removed in the background, where it takes 10-30 s,
// instead of holding up the test run.
afterAll(() => spawn('rm', ['-rf', work], { detached: true, stdio: 'ignore' }).unref());

describe('.dockerignore as read here', () => {
  it('keeps out what it lists, at the depth it says', () => {
    const ignored = dockerIgnore(['**/.env', '**/*.env', 'dist', '*.tgz', '**/node_modules']);
    expect(ignored('.env')).toBe(true);
    expect(ignored('deploy/compose/credentials.env')).toBe(true);
    expect(ignored('deploy/compose/credentials.env.example')).toBe(false);
    expect(ignored('dist/index.js')).toBe(true);
    expect(ignored('src/dist.ts')).toBe(false);
    expect(ignored('a.tgz')).toBe(true);
    expect(ignored('deploy/a.tgz')).toBe(false);
    expect(ignored('bench/node_modules/x/index.js')).toBe(true);
    expect(() => dockerIgnore(['!src/keep'])).toThrow(/not understood/);
  });
});

describe('the Dockerfile build steps, without Docker', () => {
  it('install the packed wrapper and the pinned CLI, which then serve as in the image', async () => {
    const instructions = dockerfileInstructions();
    const cliVersion = dockerfileArg('CLAUDE_CODE_VERSION') ?? '';
    const source = join(work, 'src');
    const out = join(work, 'out');
    const prefix = join(work, 'opt-claude-wrapper');
    /** Paths of the image, as the RUN lines name them, and where they are here. */
    const mapped: Record<string, string> = {
      '/out': out,
      '/out/claude-code-wrapper.tgz': join(out, 'claude-code-wrapper.tgz'),
      '/opt/claude-wrapper': prefix,
      '"${CLAUDE_CODE_VERSION}"': cliVersion,
    };

    // The build context: the repository less what .dockerignore keeps out.
    const ignored = dockerIgnore(ignorePatterns());
    cpSync(ROOT, source, {
      recursive: true,
      filter: (path) => {
        const inContext = relative(ROOT, path);
        return inContext === '' || !ignored(inContext);
      },
    });

    const steps: string[][] = [];
    for (const { keyword, args } of instructions) {
      if (keyword !== 'RUN') continue;
      const command = args.replace(/^(--mount=\S+\s+)+/, '');
      if (HOUSEKEEPING.some((pattern) => pattern.test(command))) continue;
      const match = /^sh (\S*build-steps\.sh) (.*)$/.exec(command);
      expect(match, `RUN ${args}`).not.toBeNull();
      steps.push((match?.[2] ?? '').split(/\s+/).map((word) => mapped[word] ?? word));
    }
    expect(steps.map((step) => step[0])).toEqual(['deps', 'build', 'runtime']);

    const env = buildEnv();
    for (const step of steps) {
      const { code, output } = await run('sh', [join(source, 'deploy/docker/build-steps.sh'), ...step], {
        cwd: source,
        env,
      });
      expect(code, `build-steps.sh ${step.join(' ')}\n${output.slice(-4000)}`).toBe(0);
    }

    // The runtime holds the wrapper at the package's version and the CLI at the pinned one.
    const { version } = readJson<{ version: string }>('package.json');
    const bin = join(prefix, 'node_modules/.bin');
    expect(spawnSync(join(bin, 'claude-wrapper'), ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(
      version,
    );
    expect(spawnSync(join(bin, 'claude'), ['--version'], { encoding: 'utf8' }).stdout).toMatch(
      new RegExp(`^${cliVersion.replaceAll('.', '\\.')} `),
    );
    const installed = JSON.parse(readFileSync(join(prefix, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(installed.dependencies['@anthropic-ai/claude-code']).toBe(cliVersion);

    // Started as the image starts it (ENTRYPOINT claude-wrapper serve, the image's ENV with the
    // runtime first on PATH), it finds the CLI it installed. No warm pool: nothing is spawned.
    const config = join(work, 'config.json');
    const imageConfig = readJson<{ server: object }>('deploy/docker/config.json');
    writeFileSync(
      config,
      JSON.stringify({ ...imageConfig, server: { ...imageConfig.server, warmPoolSize: 0 } }),
    );
    const home = join(work, 'home');
    const key = 'sk-deploy-build-0123456789';
    const serveEnv: Record<string, string> = {
      ...env,
      ...dockerfileEnv(),
      PATH: `${bin}:${env['PATH'] ?? ''}`,
      HOME: home,
      CLAUDE_CONFIG_PATH: config,
      CLAUDE_WRAPPER_PORT: '0',
      CLAUDE_WRAPPER_API_KEYS: key,
      CLAUDE_LOG_LEVEL: 'silent',
    };
    const child = spawn('claude-wrapper', ['serve'], {
      env: serveEnv,
      cwd: work,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      let stderr = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          const found = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(stderr);
          if (found?.[1]) resolve(Number(found[1]));
        });
      });
      expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
      const details = (await (
        await fetch(`http://127.0.0.1:${port}/health/details`, { headers: { 'x-api-key': key } })
      ).json()) as { binary: { path: string; version: string } };
      expect(details.binary.path.startsWith(prefix)).toBe(true);
      expect(details.binary.version).toBe(cliVersion);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  }, 300_000);
});
