/**
 * ESLint rule `local/no-import-cycle`: no file may import (directly or through other files) a file
 * that imports it back. Unlike `import-x/no-cycle`, type-only imports count too: a cycle of types
 * is still two files that cannot be understood (or moved to another layer) one without the other.
 *
 * Only relative specifiers are followed (`./x.js` is read as `./x.ts`, as TypeScript does). The
 * import graph is read from disk once per ESLint process with TypeScript's own import scanner.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

/** @type {Map<string, string[]>} file → the files it imports */
const graph = new Map();
/** @type {Map<string, string | null>} */
const resolved = new Map();

function isFile(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier points at, or null. */
function resolveSpecifier(fromFile, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(fromFile), specifier);
  let target = resolved.get(base);
  if (target !== undefined) return target;
  const candidates = [
    base.replace(/\.js$/, '.ts'),
    base.replace(/\.mjs$/, '.mts'),
    base,
    `${base}.ts`,
    `${base}/index.ts`,
  ];
  target = candidates.find(isFile) ?? null;
  resolved.set(base, target);
  return target;
}

/** The files `file` imports (static, type-only, re-exports and dynamic imports alike). */
function importsOf(file) {
  let targets = graph.get(file);
  if (targets) return targets;
  targets = [];
  graph.set(file, targets);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return targets;
  }
  for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
    const target = resolveSpecifier(file, fileName);
    if (target) targets.push(target);
  }
  return targets;
}

/** A path of imports from `start` to `goal`, or null. */
function findPath(start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    if (file === goal) {
      const path = [];
      for (let at = goal; at !== null; at = previous.get(at)) path.unshift(at);
      return path;
    }
    for (const next of importsOf(file)) {
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles between files, type-only imports included.' },
    schema: [],
    messages: { cycle: 'Import cycle: {{cycle}}' },
  },
  create(context) {
    const file = context.physicalFilename;
    const cwd = context.cwd;
    function check(node) {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const target = resolveSpecifier(file, source.value);
      if (!target || target === file) return;
      const back = findPath(target, file);
      if (back) {
        const cycle = [file, ...back].map((f) => relative(cwd, f)).join(' → ');
        context.report({ node: source, messageId: 'cycle', data: { cycle } });
      }
    }
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
