/**
 * The server owner's Claude Code set-up stays the owner's (real CLI 2.1.330 against the fake API):
 * with hooks, an MCP server, CLAUDE.md, a built-in output style and an answer language in the
 * HOME the proxy runs the CLI with, a caller's request runs none of the owner's commands, starts
 * none of the owner's servers, and sends the API nothing of them. Without the switches in
 * `src/http/owner-customizations.ts` every check here fails: the hooks ran and added their text,
 * the MCP tool was offered to the model, and the request grew by ~2 KB.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM_BYTE_CASES } from '../fixtures/upstream-byte-cases.mjs';
import { upstreamCallsFor, useRealCliProxy } from './real-cli-proxy.js';

const proxy = useRealCliProxy();

/** Text each customization would put in the request, and the files showing what ran. */
const MARKS = ['OWNER-HOOK-7731', 'OWNER-SESSION-7731', 'owner_mcp_tool', 'OWNER-NOTE-7731'];
const paths = () => {
  const home = proxy.cli.env['HOME'] ?? '';
  return { home, hookRan: join(home, 'hook-ran'), mcpRan: join(home, 'mcp-ran') };
};

/** A stdio MCP server offering one tool, noting that it started. */
const mcpServer = (ran: string) => `
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
appendFileSync(${JSON.stringify(ran)}, 'started\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  const result =
    m.method === 'initialize'
      ? { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'owner', version: '1' } }
      : m.method === 'tools/list'
        ? { tools: [{ name: 'owner_mcp_tool', description: 'Reads the owner files', inputSchema: { type: 'object' } }] }
        : {};
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }) + '\\n');
});
`;

beforeAll(async () => {
  const { home, hookRan, mcpRan } = paths();
  const claude = join(home, '.claude');
  await mkdir(claude, { recursive: true });
  const hook = (mark: string) => [
    { hooks: [{ type: 'command', command: `echo ${mark} >> ${hookRan}; echo ${mark}` }] },
  ];
  await writeFile(
    join(claude, 'settings.json'),
    JSON.stringify({
      hooks: { UserPromptSubmit: hook('OWNER-HOOK-7731'), SessionStart: hook('OWNER-SESSION-7731') },
      outputStyle: 'Explanatory',
      language: 'french',
    }),
  );
  await writeFile(join(claude, 'CLAUDE.md'), 'OWNER-NOTE-7731: always answer in French.\n');
  await writeFile(join(home, 'owner-mcp.mjs'), mcpServer(mcpRan));
  const configPath = join(home, '.claude.json');
  const config = existsSync(configPath) ? (JSON.parse(await readFile(configPath, 'utf8')) as object) : {};
  const mcpServers = {
    owner: { type: 'stdio', command: process.execPath, args: [join(home, 'owner-mcp.mjs')] },
  };
  await writeFile(configPath, JSON.stringify({ ...config, mcpServers }));
});

describe('the server owner’s Claude Code customizations (real CLI)', () => {
  it('neither run nor reach the API with a caller’s request', async () => {
    const body = UPSTREAM_BYTE_CASES['no system'];
    const calls = await upstreamCallsFor(proxy, body);
    expect(calls).toHaveLength(1);
    const sent = JSON.stringify(calls[0]);
    for (const mark of MARKS) expect(sent).not.toContain(mark);
    expect(sent).not.toContain('Output Style');
    expect(sent).not.toMatch(/respond in french/i);
    expect(existsSync(paths().hookRan)).toBe(false);
    expect(existsSync(paths().mcpRan)).toBe(false);
    // As much as with none of them in HOME (test/e2e/upstream-bytes.test.ts).
    expect(sent.length - JSON.stringify(body).length).toBeLessThanOrEqual(2048);
  });
});
