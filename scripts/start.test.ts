// npm start's build stamps (scripts/start.mjs): an output is reused only when it exists and was built from the
// sources as they are now. Pure file-system checks over a temporary tree: no real build here (scripts/test.sh's
// "start from built files" stage builds and runs the real thing).
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JavaScript without type declarations (it runs before anything is built)
import { TARGETS, checkStamp, inputFiles, repoRoot, writeStamp } from './start.mjs';

interface Spec {
  output: string;
  stamp: string;
  inputs: string[];
  env?: (env: Record<string, string | undefined>) => string[];
}
interface State {
  fresh: boolean;
  reason: string;
  hash: string;
  builtAt?: string;
}
const check = checkStamp as (root: string, spec: Spec, env?: Record<string, string | undefined>) => State;
const stamp = writeStamp as (root: string, spec: Spec, hash: string, builtAt?: Date) => void;
const files = (root: string, spec: Spec): string[] => (inputFiles as (r: string, s: Spec) => { files: string[] })(root, spec).files;

const spec: Spec = {
  output: 'app/dist/main.js',
  stamp: 'app/dist/.build-stamp',
  inputs: ['app/src', 'pkgs/*/src', 'app/config.json', 'app/.env', 'lock.json'],
};

let root: string;
const write = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};
/** "builds" the output and stamps it with the sources' hash of the moment */
const build = (s: Spec = spec, env: Record<string, string> = {}) => {
  const { hash } = check(root, s, env);
  write(s.output, 'built');
  stamp(root, s, hash, new Date('2025-01-02T03:04:05Z'));
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'quorate-stamp-'));
  write('app/src/main.ts', 'export const a = 1;\n');
  write('app/src/lib/util.ts', 'export const b = 2;\n');
  write('app/src/lib/util.test.ts', 'test\n');
  write('pkgs/model/src/index.ts', 'export {};\n');
  write('pkgs/store/src/index.ts', 'export {};\n');
  write('app/config.json', '{}\n');
  write('lock.json', '{"v":1}\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build stamps', () => {
  it('a missing output is stale, whatever the stamp says', () => {
    expect(check(root, spec, {})).toMatchObject({ fresh: false, reason: 'not built' });
    build();
    unlinkSync(join(root, spec.output));
    expect(check(root, spec, {})).toMatchObject({ fresh: false, reason: 'not built' });
  });

  it('an output without a stamp (or with an unreadable one) is stale', () => {
    write(spec.output, 'built');
    expect(check(root, spec, {})).toMatchObject({ fresh: false, reason: 'no build stamp' });
    write(spec.stamp, 'not json');
    expect(check(root, spec, {})).toMatchObject({ fresh: false, reason: 'no build stamp' });
  });

  it('unchanged sources: fresh, with the time of the build', () => {
    build();
    expect(check(root, spec, {})).toMatchObject({ fresh: true, reason: 'up to date', builtAt: '2025-01-02T03:04:05.000Z' });
    expect(check(root, spec, {})).toMatchObject({ fresh: true }); // checking changes nothing
  });

  it('rewriting a file with the same content keeps it fresh (content, not mtimes)', () => {
    build();
    write('app/src/main.ts', 'export const a = 1;\n');
    expect(check(root, spec, {}).fresh).toBe(true);
  });

  it.each([
    ['a changed source', () => write('app/src/lib/util.ts', 'export const b = 3;\n')],
    ['a new source file', () => write('app/src/lib/new.ts', 'export {};\n')],
    ['a deleted source file', () => unlinkSync(join(root, 'app/src/lib/util.ts'))],
    ['a renamed source file', () => {
      unlinkSync(join(root, 'app/src/lib/util.ts'));
      write('app/src/lib/util2.ts', 'export const b = 2;\n');
    }],
    ['a changed file in a package (a `*` segment)', () => write('pkgs/store/src/index.ts', 'export const s = 1;\n')],
    ['a new package', () => write('pkgs/extra/src/index.ts', 'export {};\n')],
    ['a changed single-file input', () => write('app/config.json', '{"x":1}\n')],
    ['a changed lock file', () => write('lock.json', '{"v":2}\n')],
    ['an optional input that appears', () => write('app/.env', 'VITE_X=1\n')],
  ])('%s makes it stale', (_what, change) => {
    build();
    change();
    expect(check(root, spec, {})).toMatchObject({ fresh: false, reason: 'sources changed', builtAt: '2025-01-02T03:04:05.000Z' });
  });

  it('tests beside the sources are not inputs', () => {
    build();
    write('app/src/lib/util.test.ts', 'another test\n');
    write('app/src/lib/other.test.tsx', 'test\n');
    expect(check(root, spec, {}).fresh).toBe(true);
    expect(files(root, spec)).toEqual(['app/config.json', 'app/src/lib/util.ts', 'app/src/main.ts', 'lock.json', 'pkgs/model/src/index.ts', 'pkgs/store/src/index.ts']);
  });

  it('the environment a build reads is an input when the spec says so', () => {
    const withEnv: Spec = { ...spec, env: (env) => Object.keys(env).filter((k) => k.startsWith('VITE_')).sort().map((k) => `${k}=${env[k]}`) };
    build(withEnv, { VITE_A: '1', OTHER: 'x' });
    expect(check(root, withEnv, { VITE_A: '1', OTHER: 'y' }).fresh).toBe(true);
    expect(check(root, withEnv, { VITE_A: '2' }).fresh).toBe(false);
    expect(check(root, withEnv, {}).fresh).toBe(false);
  });

  it('a rebuild stamps it fresh again', () => {
    build();
    write('app/src/main.ts', 'export const a = 2;\n');
    expect(check(root, spec, {}).fresh).toBe(false);
    build();
    expect(check(root, spec, {}).fresh).toBe(true);
  });
});

describe("npm start's targets in this repository", () => {
  const targets = TARGETS as Record<'web' | 'bff', Spec>;

  it('the web is built from its own sources and the model; the BFF from its sources and every package', () => {
    const web = files(repoRoot as string, targets.web);
    expect(web).toEqual(expect.arrayContaining(['apps/web/index.html', 'apps/web/src/main.tsx', 'packages/model/src/index.ts', 'package-lock.json']));
    expect(web.some((f) => f.startsWith('apps/bff/'))).toBe(false);
    const bff = files(repoRoot as string, targets.bff);
    expect(bff).toEqual(expect.arrayContaining(['apps/bff/src/main.ts', 'apps/bff/build.mjs', 'packages/model/src/index.ts', 'packages/store/src/index.ts', 'packages/sources/src/index.ts', 'package-lock.json']));
    expect([...web, ...bff].some((f) => /\.test\.tsx?$/.test(f) || f.includes('/dist/'))).toBe(false);
  });

  it('the BFF bundle sits as deep as src/main.ts (config.ts finds the repository root from import.meta.url)', () => {
    expect(dirname(targets.bff.output).split('/')).toHaveLength('apps/bff/src'.split('/').length);
    expect(dirname(targets.bff.output)).toBe('apps/bff/dist');
  });
});
