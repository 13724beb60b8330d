import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { chooseFormat, prettyLine } from './log-format';
import { redactPaths } from './logger';

describe('log format', () => {
  it('pretty on a terminal, JSON otherwise, LOG_FORMAT wins', () => {
    expect(chooseFormat(undefined, true)).toBe('pretty');
    expect(chooseFormat(undefined, false)).toBe('json');
    expect(chooseFormat('json', true)).toBe('json');
    expect(chooseFormat('pretty', false)).toBe('pretty');
  });

  it('a line a person reads: time, level, message, then the fields — still redacted', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info', redact: { paths: redactPaths, censor: '[redacted]' } }, { write: (l: string) => void lines.push(prettyLine(l)) });
    logger.info({ url: 'http://127.0.0.1:8080', clusters: ['lab-cluster (sim)'], password: 'hunter2-hunter2' }, 'Quorate listening on http://127.0.0.1:8080');
    logger.warn({ err: new Error('disk full') }, 'could not save');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO {2}Quorate listening on http:\/\/127\.0\.0\.1:8080 {2}url=http:\/\/127\.0\.0\.1:8080 clusters=\["lab-cluster \(sim\)"\] password=\[redacted\]\n$/);
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[1]).toMatch(/WARN {2}could not save {2}err="disk full"/);
    expect(prettyLine('not json')).toBe('not json\n');
  });
});
