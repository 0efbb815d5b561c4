// Turns README.md's ```ts blocks into runnable modules: each block gets the context it leans on
// (a client pointed at the fake server, a prompt, a finished job...) and the imports it leaves out.
import ts from 'typescript';

/** One ```ts block of the README. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The heading the block sits under. */
  section: string;
  code: string;
  /** Why the block is not run, when an opt-out marker says so (`<!-- readme-test: skip, reason -->`). */
  skip: string | undefined;
}

const FENCE = /^```(\w+)?\s*$/;
const OPT_OUT = /^<!--\s*readme-test:\s*skip\b[,:\s—-]*(.*?)\s*-->$/;

/** Every ```ts / ```typescript block, in order. An opt-out marker must give a reason. */
export function extractBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  let section = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^#+\s+(.*)$/.exec(line);
    if (heading) section = heading[1]!;
    const fence = FENCE.exec(line);
    if (!fence) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`README line ${i + 1}: a code block that never closes`);
    if (fence[1] === 'ts' || fence[1] === 'typescript') {
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === '') before--;
      const marker = before >= 0 ? OPT_OUT.exec(lines[before]!.trim()) : null;
      if (marker && !marker[1]) {
        throw new Error(`README line ${before + 1}: an opt-out marker needs a reason`);
      }
      blocks.push({ line: i + 1, section, code: lines.slice(i + 1, end).join('\n'), skip: marker?.[1] });
    }
    i = end;
  }
  return blocks;
}

/** Names a block declares at its top level, and names it reads without declaring. */
export function namesOf(code: string): { declared: Set<string>; used: Set<string> } {
  const file = ts.createSourceFile('block.mts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const declared = new Set<string>();
  const used = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) declared.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bind(el.name);
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations) bind(d.name);
    else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name)
      declared.add(statement.name.text);
    else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        for (const el of bindings.elements) declared.add(el.name.text);
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
    }
  }
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent)) && parent.name === node) ||
        (ts.isBindingElement(parent) && parent.propertyName === node);
      if (!isMemberName) used.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { declared, used };
}

/** What a block may lean on without declaring it: each entry is declared only when the block uses it. */
const CONTEXT: Array<{ name: string; needs: string[]; code: string }> = [
  { name: 'server', needs: [], code: 'const server = readme.server();' },
  {
    name: 'client',
    needs: ['server'],
    code: "const client = new SegmindClient({ apiKey: 'SG_readme0000000000', baseURL: server.url });",
  },
  { name: 'prompt', needs: [], code: "const prompt = 'a red fox in the snow';" },
  {
    name: 'job',
    needs: ['client', 'prompt'],
    code: "const job = await client.submitAsync('fast-flux-schnell', { prompt });",
  },
  {
    name: 'result',
    needs: ['client', 'prompt'],
    code: "const result = await client.run('fast-flux-schnell', { prompt });",
  },
  {
    name: 'image',
    needs: ['client', 'prompt'],
    code: "const image = await client.runSync('flux-schnell', { prompt });",
  },
  { name: 'onStatus', needs: [], code: 'const onStatus = (status: JobStatus): void => void status;' },
];
const CONTEXT_IMPORTS: Record<string, string[]> = {
  server: [],
  client: ['SegmindClient'],
  onStatus: ['JobStatus'],
};

export interface ModuleSources {
  /** Names exported by `segmind`: true for values, false for types only. */
  segmind: Map<string, boolean>;
  /** Names exported by `segmind/testing`, likewise. */
  testing: Map<string, boolean>;
  /** Module specifier of the file exporting `readme` (the running fake server). */
  contextModule: string;
}

/** The module a block runs as: imports it left out, the context it uses, then the block as written. */
export function moduleFor(block: ReadmeBlock, sources: ModuleSources): string {
  const { declared, used } = namesOf(block.code);
  const wanted = new Set<string>();
  const want = (name: string) => {
    const entry = CONTEXT.find((c) => c.name === name);
    if (!entry || declared.has(name) || wanted.has(name)) return;
    for (const dep of entry.needs) want(dep);
    wanted.add(name);
  };
  for (const name of used) want(name);
  const prelude = CONTEXT.filter((c) => wanted.has(c.name));
  const needed = new Set([...used, ...prelude.flatMap((c) => CONTEXT_IMPORTS[c.name] ?? [])]);
  const free = [...needed].filter((n) => !declared.has(n) && !wanted.has(n)).sort();
  const importFrom = (exports: Map<string, boolean>, names: string[], from: string) =>
    names.length
      ? `import { ${names.map((n) => (exports.get(n) ? n : `type ${n}`)).join(', ')} } from '${from}';`
      : '';
  const fromSegmind = free.filter((n) => sources.segmind.has(n));
  const fromTesting = free.filter((n) => !sources.segmind.has(n) && sources.testing.has(n));
  const fromFs = free.filter((n) => FS_NAMES.includes(n));
  const imports = [
    importFrom(sources.segmind, fromSegmind, 'segmind'),
    importFrom(sources.testing, fromTesting, 'segmind/testing'),
    fromFs.length ? `import { ${fromFs.join(', ')} } from 'node:fs/promises';` : '',
    wanted.has('server') ? `import { readme } from '${sources.contextModule}';` : '',
  ];
  return [
    `// README.md line ${block.line} (${block.section}), with the context it leans on`,
    ...imports.filter(Boolean),
    ...prelude.map((c) => c.code),
    `// ---- README.md line ${block.line} ----`,
    block.code,
    'export {};',
    '',
  ].join('\n');
}

/** Node's file functions a fragment may use without importing them. */
const FS_NAMES = ['readFile', 'writeFile', 'mkdir'];
