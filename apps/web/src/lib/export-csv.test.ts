import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '@quorate/model';
import { csvField, csvRecord, eventsCsv, eventsJson, exportFileName } from './export-csv';

const event = (seq: number, message: string, severity: ClusterEvent['severity'] = 'warning'): ClusterEvent => ({
  seq,
  clusterId: 'lab',
  at: Date.parse('2025-11-25T21:41:07.042Z') + seq,
  severity,
  message,
  body: { type: 'link-down', from: 1, to: 2, link: 0, fromName: 'pve1', toName: 'pve2' },
});

describe('csvField (RFC 4180)', () => {
  it('leaves plain text alone', () => {
    expect(csvField('pve1 left')).toBe('pve1 left');
    expect(csvField(42)).toBe('42');
    expect(csvField('')).toBe('');
    expect(csvField(null)).toBe('');
  });
  it('quotes commas, quotes (doubled), CR and LF', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField('line 1\nline 2')).toBe('"line 1\nline 2"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('a\r\nb, "c"')).toBe('"a\r\nb, ""c"""');
  });
  it('quotes leading and trailing blanks, which some readers trim', () => {
    expect(csvField(' x')).toBe('" x"');
    expect(csvField('x ')).toBe('"x "');
    // a leading tab is also a formula trigger in some spreadsheets: defused instead
    expect(csvField('\tx')).toBe("'\tx");
  });
  it('keeps non-ASCII as it is', () => {
    expect(csvField('link 0 pve1–pve2 ✓')).toBe('link 0 pve1–pve2 ✓');
  });
});

describe('csv injection', () => {
  it('a text a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-cmd')).toBe("'-cmd");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField(-5)).toBe('-5');
    expect(csvField('pve1 left the cluster')).toBe('pve1 left the cluster');
  });
});

describe('csvRecord', () => {
  it('joins by commas and ends with CRLF', () => {
    expect(csvRecord(['a', 1, 'b,c', undefined])).toBe('a,1,"b,c",\r\n');
  });
});

describe('eventsCsv', () => {
  it('a header row, then one record per event in the given order, times as given', () => {
    const csv = eventsCsv([event(7, 'link 0 between pve1 and pve2 down, "again"'), event(3, 'two\nlines', 'critical')], (at) => `T${at % 100}`);
    expect(csv).toBe(
      'seq,time,cluster,severity,type,message\r\n' +
        '7,T49,lab,warning,link-down,"link 0 between pve1 and pve2 down, ""again"""\r\n' +
        '3,T45,lab,critical,link-down,"two\nlines"\r\n',
    );
  });
  it('no events: just the header', () => {
    expect(eventsCsv([])).toBe('seq,time,cluster,severity,type,message\r\n');
  });
  it('times by default: ISO 8601 with an offset (or Z)', () => {
    const [, record] = eventsCsv([event(1, 'x')]).split('\r\n');
    expect(record?.split(',')[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$/);
  });
});

describe('eventsJson', () => {
  it('the events as they are, parseable back to the same array', () => {
    const events = [event(2, 'a "quoted"\nmessage'), event(1, 'b')];
    const text = eventsJson(events);
    expect(JSON.parse(text)).toEqual(events);
    expect(text.split('\n')).toHaveLength(5); // [, two events, ], and the final newline
    expect(JSON.parse(eventsJson([]))).toEqual([]);
  });
});

describe('exportFileName', () => {
  it('names the cluster and the moment, without characters a file system dislikes', () => {
    const at = new Date(2025, 10, 25, 22, 41, 7).getTime();
    expect(exportFileName('lab', 'csv', at)).toBe('quorate-history-lab-20251125-224107.csv');
    expect(exportFileName('a/b c', 'json', at)).toBe('quorate-history-a_b_c-20251125-224107.json');
  });
});
