// Splits the human-readable reports of corosync-quorumtool / pvecm into their titled sections
// ("Quorum information" + a dashed underline, then `Label:   value` lines or a table).
import { hasLineBreak, splitLines } from './text';

export const SECTION_TITLES = [
  'Cluster information',
  'Quorum information',
  'Votequorum information',
  'Membership information',
] as const;
export type SectionTitle = (typeof SECTION_TITLES)[number];

export interface NumberedLine {
  /** 1-based line number in the whole input */
  no: number;
  text: string;
}

export interface Section {
  title: SectionTitle;
  /** line number of the title */
  no: number;
  lines: NumberedLine[];
}

export interface SplitReport {
  /** non-empty lines before the first section */
  preamble: NumberedLine[];
  sections: Section[];
}

function titleOf(text: string): SectionTitle | null {
  const t = text.trim();
  return (SECTION_TITLES as readonly string[]).includes(t) ? (t as SectionTitle) : null;
}

export function splitSections(text: string): SplitReport {
  const lines = splitLines(text);
  const preamble: NumberedLine[] = [];
  const sections: Section[] = [];
  let current: Section | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const title = titleOf(line);
    if (title) {
      current = { title, no: i + 1, lines: [] };
      sections.push(current);
      // the underline belongs to the title
      if (/^-+\s*$/.test(lines[i + 1] ?? '')) i++;
      continue;
    }
    if (current) current.lines.push({ no: i + 1, text: line });
    else if (line.trim() !== '') preamble.push({ no: i + 1, text: line });
  }
  return { preamble, sections };
}

const LABEL = /^[A-Za-z][A-Za-z ]*$/;

/**
 * `Label:   value` (label letters and spaces; the value keeps everything after the colon, minus leading blanks).
 * Split at the first colon rather than matched with one regex: linear on any input, however long.
 */
export function parseLabelLine(text: string): { label: string; value: string } | null {
  const colon = text.indexOf(':');
  if (colon < 1) return null;
  const label = text.slice(0, colon);
  if (!LABEL.test(label)) return null;
  let from = colon + 1;
  while (text[from] === ' ' || text[from] === '\t') from++;
  const value = text.slice(from);
  // a line break inside the line (a stray CR) makes it no label line, as the former `(.*)$` did
  return hasLineBreak(value) ? null : { label, value };
}
