/// <reference types="vite/client" />
// Test-only: every fixture as text, loaded by Vite at transform time (this package may not import node:fs).
const files = import.meta.glob<string>('../fixtures/*.{txt,conf}', { query: '?raw', import: 'default', eager: true });

export const fixtures: ReadonlyMap<string, string> = new Map(
  Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, ''), text]),
);

export function fixture(name: string): string {
  const text = fixtures.get(name);
  if (text === undefined) throw new Error(`no fixture ${name}`);
  return text;
}

export function fixtureNames(pattern: RegExp): string[] {
  return [...fixtures.keys()].filter((n) => pattern.test(n)).sort();
}

/** The tracking captures prefix every line with `<rep> <±ms> | `; this returns what the tool printed. */
export function stripHarnessPrefix(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/^\S+\s+[-+]?\d+(?:\.\d+)?\s\|\s/, ''))
    .join('\n');
}
