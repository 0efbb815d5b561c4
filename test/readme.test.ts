// Every ```ts block of README.md is type-checked and run against the fake server (segmind/testing),
// as a reader would paste it: a block that breaks fails here. Fragments get the context they lean
// on (a `client` pointed at the fake, a `prompt`, a submitted `job`, a finished `result`...) and
// the imports they leave out; see test/support/readme-blocks.ts. A block that cannot run here is
// marked in the README with `<!-- readme-test: skip, <reason> -->` on the line above it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SegmindClient, ValidationError } from '../src/index.js';
import { createMockServer, renderPng } from '../src/testing/index.js';
import { ROOT } from './support/child.js';
import { useManualClock } from './support/manual-clock.js';
import { extractBlocks, type ModuleSources, moduleFor, type ReadmeBlock } from './support/readme-blocks.js';
import { readme } from './support/readme-context.js';
import { useServer } from './support/use-server.js';

const markdown = await readFile(join(ROOT, 'README.md'), 'utf8');
const blocks = extractBlocks(markdown);

const server = useServer(() => createMockServer());
// Jobs, polls and retry waits on a manual clock: a block waiting for a job finishes at once.
useManualClock();

let dir: string;
let cwd: string;
const files = new Map<ReadmeBlock, string>();
const problems = new Map<string, string[]>();

/** Names `segmind` and `segmind/testing` export, each marked value (true) or type only (false). */
function exportsOf(program: ts.Program, file: string): Map<string, boolean> {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const symbol = source && checker.getSymbolAtLocation(source);
  const names = new Map<string, boolean>();
  for (const s of symbol ? checker.getExportsOfModule(symbol) : []) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    names.set(s.name, (target.flags & ts.SymbolFlags.Value) !== 0);
  }
  return names;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segmind-readme-'));
  cwd = process.cwd();
  process.chdir(dir); // blocks save files relative to the working folder
  // The images the Image inputs blocks read from disk (the format is read from the bytes, so a PNG
  // named .jpg is fine).
  for (const [name, label] of [
    ['photo.jpg', 'photo'],
    ['a.png', 'a'],
    ['b.png', 'b'],
  ] as const) {
    await writeFile(name, renderPng(64, 48, label));
  }
  readme.use(server);
  vi.stubEnv('SEGMIND_API_KEY', 'SG_readme0000000000');
  vi.stubEnv('SEGMIND_BASE_URL', server.url);
  vi.stubEnv('SEGMIND_LOG', 'off');

  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const entries = [join(ROOT, 'src/index.ts'), join(ROOT, 'src/testing/index.ts')];
  const base = ts.createProgram(entries, config.options);
  const sources: ModuleSources = {
    segmind: exportsOf(base, entries[0]!),
    testing: exportsOf(base, entries[1]!),
    contextModule: join(ROOT, 'test/support/readme-context.ts'),
  };
  for (const block of blocks) {
    const file = join(dir, `readme-line-${block.line}.mts`);
    await writeFile(file, moduleFor(block, sources));
    files.set(block, file);
  }
  const program = ts.createProgram([...files.values()], config.options, undefined, base);
  for (const file of files.values()) {
    const source = program.getSourceFile(file)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    problems.set(
      file,
      diagnostics.map((d) => {
        const at =
          d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        return `${at ? `generated line ${at.line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  readme.use(undefined);
  vi.unstubAllEnvs();
  process.chdir(cwd);
  await rm(dir, { recursive: true, force: true });
});

describe('README.md code blocks', () => {
  it('has blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(5);
  });

  const runnable = blocks.filter((b) => !b.skip);
  const skipped = blocks.filter((b) => b.skip);

  it.each(runnable.map((b) => [b.line, b.section, b] as const))(
    'line %i (%s) type-checks and runs against the fake server',
    async (_line, _section, block) => {
      const file = files.get(block)!;
      expect(problems.get(file), await readFile(file, 'utf8')).toEqual([]);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      try {
        await import(pathToFileURL(file).href);
      } finally {
        log.mockRestore();
      }
    },
  );

  for (const block of skipped)
    it.skip(`line ${block.line} (${block.section}) is not run: ${block.skip}`, () => {});

  it('the ValidationError it shows is the one the SDK throws', async () => {
    const shown = /```text\n(ValidationError: .*)\n```/.exec(markdown)?.[1];
    const client = new SegmindClient({ apiKey: 'SG_readme0000000000', baseURL: server.url });
    const err = await client
      .runSync('flux-schnell', { prompt: 'a tiger', sampler: 'euler', width: 1001 } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(shown).toBe(String(err));
    expect(server.requests).toHaveLength(0);
  });
});
