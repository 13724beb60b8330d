import { describe, expect, it } from 'vitest';
import { LocalRunner } from './local';
import { RunnerError } from './types';

const runner = new LocalRunner();

describe('LocalRunner.run', () => {
  it('keeps exit codes and both output streams', async () => {
    const ok = await runner.run('/bin/sh', ['-c', 'echo out; echo err >&2; exit 0']);
    expect(ok).toMatchObject({ code: 0, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false, truncated: false });
    const two = await runner.run('/bin/sh', ['-c', 'exit 2']);
    expect(two.code).toBe(2);
  });

  it('passes arguments literally: spaces, quotes, ; and $ are not interpreted', async () => {
    const args = ['a b', `it's "quoted"`, 'x; rm -rf /nonexistent', '$HOME', '`id`', '*', ''];
    const r = await runner.run('printf', ['%s\\n', ...args]);
    expect(r.stdout).toBe(args.map((a) => `${a}\n`).join(''));
  });

  it('kills the command on timeout, including what it started', async () => {
    const r = await runner.run('/bin/sh', ['-c', 'sleep 30 & echo started; wait'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('started\n');
  });

  it('reports a process killed by a signal', async () => {
    const r = await runner.run('/bin/sh', ['-c', 'kill -TERM $$']);
    expect(r).toMatchObject({ code: null, signal: 'SIGTERM', timedOut: false });
  });

  it('caps output at maxBytes and says so', async () => {
    const r = await runner.run('/bin/sh', ['-c', 'head -c 100000 /dev/zero | tr "\\0" x; exit 3'], { maxBytes: 1000 });
    expect(r.stdout).toBe('x'.repeat(1000));
    expect(r.truncated).toBe(true);
    expect(r.code).toBe(3);
  });

  it('feeds stdin', async () => {
    const r = await runner.run('cat', [], { stdin: 'hello\nworld' });
    expect(r.stdout).toBe('hello\nworld');
  });

  it('closes stdin when none is given, so readers do not hang', async () => {
    const r = await runner.run('cat', [], { timeoutMs: 2000 });
    expect(r).toMatchObject({ code: 0, stdout: '', timedOut: false });
  });

  it('throws a RunnerError "not-found" for a missing command', async () => {
    const err = await runner.run('/nonexistent/quorate-no-such-tool', []).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunnerError);
    expect((err as RunnerError).reason).toBe('not-found');
    expect((err as RunnerError).message).toContain('/nonexistent/quorate-no-such-tool');
  });
});

describe('LocalRunner.spawnStream', () => {
  it('emits lines as they come and reports the exit', async () => {
    const lines: string[] = [];
    const errs: string[] = [];
    const h = runner.spawnStream('/bin/sh', ['-c', 'printf "one\\ntwo\\r\\nthr"; printf "ee\\n"; echo oops >&2; printf tail; exit 4'], {
      onLine: (l) => lines.push(l),
      onStderrLine: (l) => errs.push(l),
      holdStdin: false,
    });
    expect(h.pid).toBeTypeOf('number');
    const exit = await h.exited;
    expect(exit).toEqual({ code: 4, signal: null, error: null });
    expect(lines).toEqual(['one', 'two', 'three', 'tail']);
    expect(errs).toEqual(['oops']);
  });

  it('holds stdin open until killed', async () => {
    const lines: string[] = [];
    // cat would exit at once if stdin were closed
    const h = runner.spawnStream('/bin/sh', ['-c', 'echo ready; cat'], { onLine: (l) => lines.push(l) });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (lines.length > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    h.kill();
    const exit = await h.exited;
    expect(exit.signal).toBe('SIGTERM');
    expect(lines).toEqual(['ready']);
    h.kill(); // harmless after exit
  });

  it('reports a missing command through exited, without throwing', async () => {
    const h = runner.spawnStream('/nonexistent/quorate-no-such-tool', [], { onLine: () => {} });
    const exit = await h.exited;
    expect(exit.error?.reason).toBe('not-found');
  });
});
