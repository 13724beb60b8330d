// `corosync-quorumtool -l` / `pvecm nodes`: an empty line, then the membership table alone.
import type { MembershipTable } from './membership';
import { fail, guard, ok, requireText, type ParseResult } from './result';
import { parseMembershipSection } from './quorumtool-status';
import { splitSections } from './sections';

export function parseQuorumtoolList(text: string): ParseResult<MembershipTable> {
  return guard('corosync-quorumtool -l', () => {
    const input = requireText(text, 'corosync-quorumtool -l');
    if (!input.ok) return input;
    const warnings: string[] = [];
    const report = splitSections(input.value);
    for (const p of report.preamble) warnings.push(`line ${p.no}: text before the table: ${JSON.stringify(p.text)}`);
    const tables = report.sections.filter((s) => s.title === 'Membership information');
    const section = tables[0];
    if (!section) {
      const first = report.preamble[0];
      return first ? fail('no "Membership information" table', first.no, first.text) : fail('no "Membership information" table');
    }
    if (tables.length > 1 && tables[1]) return fail('second "Membership information" table', tables[1].no);
    for (const s of report.sections) if (s !== section) warnings.push(`line ${s.no}: section "${s.title}" ignored`);
    const r = parseMembershipSection(section, warnings);
    if (!r.ok) return r.result;
    return ok(r.value, warnings);
  });
}
