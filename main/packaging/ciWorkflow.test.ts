// The hosted CI workflow (.github/workflows/ci.yml), checked here because it
// cannot run here: GitHub's own parser and schema (@actions/workflow-parser,
// the one GitHub's editor tooling uses) must accept it, and it must refuse a
// broken copy, so the check is real; and the matrix must cover each machine a
// classroom brings, each job building, testing and packaging its own
// architecture.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../..', import.meta.url));
const text = readFileSync(join(root, '.github', 'workflows', 'ci.yml'), 'utf8');
const PARSER = '@actions/workflow-parser';

interface WorkflowParser {
  parseWorkflow(file: { name: string; content: string }, trace: unknown): { context: ParseContext; value: unknown };
  convertWorkflowTemplate(
    context: ParseContext,
    value: unknown,
  ): Promise<{ errors?: { Message?: string; message?: string }[] }>;
  NoOperationTraceWriter: new () => unknown;
}
interface ParseContext {
  errors: { getErrors(): { message: string }[] };
}

/** GitHub's parser, or why it is missing (a devDependency: CI fails without it, elsewhere the check is skipped). */
async function loadParser(): Promise<WorkflowParser | string> {
  try {
    return (await import(/* @vite-ignore */ PARSER)) as WorkflowParser;
  } catch (error) {
    return `${PARSER} is not installed (${(error as Error).message.split('\n')[0]}): npm install`;
  }
}

const parser = await loadParser();
if (typeof parser === 'string' && process.env.VLAB_CI !== '1')
  console.warn(`the workflow's schema check is skipped: ${parser}`);

/** Every error GitHub's parser and schema report for a workflow's text. */
async function workflowErrors(p: WorkflowParser, content: string): Promise<string[]> {
  const parsed = p.parseWorkflow({ name: 'ci.yml', content }, new p.NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (parsed.value === undefined) return errors;
  const template = await p.convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message ?? e.message ?? String(e))];
}

describe.runIf(typeof parser !== 'string' || process.env.VLAB_CI === '1')("GitHub's workflow schema", () => {
  it('accepts .github/workflows/ci.yml', async () => {
    if (typeof parser === 'string') throw new Error(parser);
    expect(await workflowErrors(parser, text)).toEqual([]);
  });

  it('refuses a broken copy (a misspelt key, a job without runs-on, a bad expression)', async () => {
    if (typeof parser === 'string') throw new Error(parser);
    expect(await workflowErrors(parser, text.replace('timeout-minutes:', 'timeout_minutes:'))).not.toEqual([]);
    expect(await workflowErrors(parser, text.replace(/^ {4}runs-on: .*$/m, ''))).not.toEqual([]);
    expect(await workflowErrors(parser, text.replace('${{ matrix.runner }}', '${{ matrix.runner ) }}'))).not.toEqual(
      [],
    );
  });
});

type Step = { name?: string; uses?: string; run?: string; if?: string };
const workflow = parse(text) as {
  on: Record<string, unknown>;
  jobs: Record<
    string,
    { 'runs-on': string; strategy: { matrix: { include: Record<string, string>[] } }; steps: Step[] }
  >;
};

describe('the hosted matrix', () => {
  const job = workflow.jobs['build-test-package']!;
  const include = job.strategy.matrix.include;

  it('runs on macOS arm64 and x64, Windows x64, Ubuntu x64 and arm64', () => {
    expect(include.map((m) => m.runner)).toEqual([
      'macos-15',
      'macos-15-intel',
      'windows-2025',
      'ubuntu-24.04',
      'ubuntu-24.04-arm',
    ]);
    expect(job['runs-on']).toBe('${{ matrix.runner }}');
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['push', 'pull_request']));
  });

  it("packages each runner's own architecture, and Windows' arm64 beside x64", () => {
    expect(include.map((m) => m.package)).toEqual([
      '--mac dmg --arm64',
      '--mac dmg --x64',
      '--win nsis --x64 --arm64',
      '--linux AppImage deb --x64',
      '--linux AppImage deb --arm64',
    ]);
    expect(job.steps.find((s) => s.name === 'Package')?.run).toBe(
      'npx electron-builder ${{ matrix.package }} --publish never',
    );
  });

  it('builds the addon strictly, tests, runs the portable driver and uploads the installers', () => {
    const runs = job.steps.map((s) => s.run ?? s.uses ?? '');
    const order = ['npm ci --no-audit --no-fund', 'npm run build:native', 'npm test', 'npm run test:portable'];
    const positions = order.map((command) => runs.findIndex((r) => r.startsWith(command)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(runs.some((r) => r.startsWith('actions/upload-artifact@'))).toBe(true);
  });
});
