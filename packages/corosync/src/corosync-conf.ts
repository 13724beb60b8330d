// corosync.conf: the brace format, parsed the way corosync's own exec/coroparse.c reads it, kept as an
// ordered tree (repeated sections such as nodelist.node and totem.interface, and comments, survive).
//
// Per line, after trailing blanks are cut: a line whose first non-blank is `#` is a comment; a line
// containing `{` opens a section named by the text before it; else a line containing `:` is `key: value`
// (split at the first colon; `#` later in the line is part of the value); else a line containing `}`
// closes the section; anything else is ignored by corosync (we warn).
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { splitLines, trimEndOf, trimStartOf } from './text';

export type ConfItem =
  | { type: 'pair'; key: string; value: string }
  | { type: 'section'; name: string; items: ConfItem[] }
  | { type: 'comment'; text: string };

export interface CorosyncConf {
  items: ConfItem[];
}

export function parseCorosyncConf(text: string): ParseResult<CorosyncConf> {
  return guard('corosync.conf', () => {
    const input = requireText(text, 'corosync.conf');
    if (!input.ok) return input;
    const warnings: string[] = [];
    const root: CorosyncConf = { items: [] };
    const stack: { items: ConfItem[]; name: string; no: number }[] = [{ items: root.items, name: '', no: 0 }];
    const lines = splitLines(input.value);
    for (let i = 0; i < lines.length; i++) {
      const no = i + 1;
      // blanks cut by hand: `replace(/[ \t]+$/, '')` retries from every blank of an inner run (quadratic)
      const trimmed = trimStartOf(trimEndOf(lines[i] ?? ''));
      const top = stack[stack.length - 1];
      if (!top) return fail('internal: empty section stack', no);
      if (trimmed === '') continue;
      if (trimmed.startsWith('#')) {
        top.items.push({ type: 'comment', text: trimmed });
        continue;
      }
      const brace = trimmed.indexOf('{');
      if (brace >= 0) {
        const name = trimEndOf(trimmed.slice(0, brace), ' \t:');
        const after = trimmed.slice(brace + 1).trim();
        if (after !== '') warnings.push(`line ${no}: text after "{" is ignored by corosync: ${JSON.stringify(after)}`);
        if (name === '') warnings.push(`line ${no}: section without a name`);
        const section: ConfItem = { type: 'section', name, items: [] };
        top.items.push(section);
        stack.push({ items: section.items, name, no });
        continue;
      }
      const colon = trimmed.indexOf(':');
      if (colon >= 0) {
        const key = trimEndOf(trimmed.slice(0, colon));
        const value = trimStartOf(trimmed.slice(colon + 1));
        if (key === '') warnings.push(`line ${no}: value without a key`);
        top.items.push({ type: 'pair', key, value });
        continue;
      }
      if (trimmed.includes('}')) {
        if (stack.length === 1) return fail('unexpected closing brace', no, lines[i]);
        stack.pop();
        continue;
      }
      warnings.push(`line ${no}: ignored (neither section, key: value nor brace): ${JSON.stringify(trimmed)}`);
    }
    if (stack.length > 1) {
      const open = stack[stack.length - 1];
      return fail(`missing closing brace for section "${open?.name ?? ''}"`, open?.no ?? 0);
    }
    return ok(root, warnings);
  });
}

/** Problems that would make serializeCorosyncConf's output read back differently (or not at all). */
export function validateCorosyncConf(conf: CorosyncConf): string[] {
  const problems: string[] = [];
  const walk = (items: ConfItem[], path: string) => {
    for (const item of items) {
      if (item.type === 'comment') {
        if (!item.text.startsWith('#') || /[\r\n]/.test(item.text)) problems.push(`${path}: comment must be one line starting with #`);
      } else if (item.type === 'pair') {
        const where = `${path}${path ? '.' : ''}${item.key}`;
        if (!/^[^\s#{}:][^{}:\r\n]*$/.test(item.key) || item.key !== item.key.trim()) problems.push(`${where}: unwritable key`);
        if (/[{\r\n]/.test(item.value) || item.value !== trimStartOf(trimEndOf(item.value))) {
          problems.push(`${where}: unwritable value ${JSON.stringify(item.value)}`);
        }
      } else {
        const where = `${path}${path ? '.' : ''}${item.name}`;
        if (!/^[^\s#{}:][^{}:\r\n]*$/.test(item.name) || item.name !== item.name.trim()) problems.push(`${where}: unwritable section name`);
        walk(item.items, where);
      }
    }
  };
  walk(conf.items, '');
  return problems;
}

/**
 * Writes the tree in the layout pve-cluster uses (two-space indent, a blank line between top-level
 * sections). Check validateCorosyncConf first when the tree was built by hand.
 */
export function serializeCorosyncConf(conf: CorosyncConf): string {
  const out: string[] = [];
  const write = (items: ConfItem[], depth: number) => {
    const pad = '  '.repeat(depth);
    items.forEach((item, i) => {
      if (depth === 0 && item.type === 'section' && i > 0) out.push('');
      if (item.type === 'comment') out.push(pad + item.text);
      else if (item.type === 'pair') out.push(item.value === '' ? `${pad}${item.key}:` : `${pad}${item.key}: ${item.value}`);
      else {
        out.push(`${pad}${item.name} {`);
        write(item.items, depth + 1);
        out.push(`${pad}}`);
      }
    });
  };
  write(conf.items, 0);
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

// ---- generic access -------------------------------------------------------------------------------

/** All sections with this name directly inside `items`. */
export function sectionsNamed(items: readonly ConfItem[], name: string): Extract<ConfItem, { type: 'section' }>[] {
  return items.filter((i): i is Extract<ConfItem, { type: 'section' }> => i.type === 'section' && i.name === name);
}

/** The pairs directly inside `items` as a record; a repeated key keeps its last value, as corosync does. */
export function pairsOf(items: readonly ConfItem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of items) if (i.type === 'pair') out[i.key] = i.value;
  return out;
}

/** Items of every top-level section with this name, merged in order (corosync merges repeated sections). */
export function mergedSection(conf: CorosyncConf, name: string): ConfItem[] | null {
  const found = sectionsNamed(conf.items, name);
  return found.length === 0 ? null : found.flatMap((s) => s.items);
}
