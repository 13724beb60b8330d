import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalRunner } from './local';
import { quoteShellArg, shellCommand } from './shell-quote';

const runner = new LocalRunner();

/** What /bin/sh makes of the quoted word: printf %s prints it back byte for byte. */
async function roundTrip(arg: string): Promise<string> {
  const r = await runner.run('/bin/sh', ['-c', `printf %s ${quoteShellArg(arg)}`]);
  expect(r.code).toBe(0);
  return r.stdout;
}

describe('quoteShellArg', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(quoteShellArg('corosync-quorumtool')).toBe('corosync-quorumtool');
    expect(quoteShellArg('-s')).toBe('-s');
    expect(quoteShellArg('')).toBe(`''`);
    expect(quoteShellArg('a b')).toBe(`'a b'`);
    expect(quoteShellArg(`it's`)).toBe(`'it'\\''s'`);
    expect(quoteShellArg('A=b')).toBe(`'A=b'`);
  });

  it('refuses NUL, which no argv can carry', () => {
    expect(() => quoteShellArg('a\0b')).toThrow(/NUL/);
  });

  it.each([`'`, `''`, `\\'`, '"$(id)"', '`id`', '; echo pwned', '$HOME', '*', '~', '\n', 'a\\', '!', '-n', '#x', '&', '|', '<>', '{a,b}'])(
    'round-trips %j through /bin/sh',
    async (s) => {
      expect(await roundTrip(s)).toBe(s);
    },
  );

  it('round-trips random strings through /bin/sh (property)', async () => {
    const arg = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(`'`, '"', '\\', '$', '`', ' ', ';', '\n', '*', '!', 'a', '-', '=', '~', '#', '&', '(', ')'), maxLength: 30 }),
    ).filter((s) => !s.includes('\0'));
    await fc.assert(
      fc.asyncProperty(arg, async (s) => {
        expect(await roundTrip(s)).toBe(s);
      }),
      { numRuns: 100 },
    );
  });
});

describe('shellCommand', () => {
  it('yields the original argv when /bin/sh splits it', async () => {
    const argv = ['a b', `c'd`, '', '$x;y'];
    const r = await runner.run('/bin/sh', ['-c', shellCommand('printf', ['[%s]', ...argv])]);
    expect(r.stdout).toBe(argv.map((a) => `[${a}]`).join(''));
  });
});
