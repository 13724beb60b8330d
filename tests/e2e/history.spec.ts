// The history page (issue 11 §4): event numbers, a date range in the URL with the time zone shown, new
// events appearing live on the newest page, the incidents of the range with their duration, and export:
// a filtered range exported as CSV (and JSON) holds exactly what GET /api/v1/history answers for the same
// filter, in the same order. Also §3: the nav marks the current page, and each page has its own tab title.
import { readFile } from 'node:fs/promises';
import type { APIRequestContext, Download, Page } from '@playwright/test';
import { expect, healAndOpen, postFault, screenshotDir, test } from './helpers';

interface ApiEvent {
  seq: number;
  clusterId: string;
  at: number;
  severity: string;
  message: string;
  body: { type: string };
}

/** RFC 4180, written here on its own (not the page's code), so the test does not share the page's mistakes */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

async function history(api: APIRequestContext, params: Record<string, string | number>): Promise<{ events: ApiEvent[]; total: number }> {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const res = await api.get(`/api/v1/history?${q}`);
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()) as { events: ApiEvent[]; total: number };
}

async function downloaded(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), page.getByTestId(button).click()])) as [Download, unknown];
  const path = await download.path();
  return { name: download.suggestedFilename(), text: await readFile(path, 'utf8') };
}

async function clusterName(api: APIRequestContext, id: string): Promise<string> {
  const { clusters } = (await (await api.get('/api/v1/clusters')).json()) as { clusters: { id: string; name: string }[] };
  return clusters.find((c) => c.id === id)?.name ?? id;
}

test.describe('history', () => {
  test.afterEach(async ({ api }) => {
    const { clusters } = (await (await api.get('/api/v1/clusters')).json()) as { clusters: { id: string; source: string }[] };
    const sim = clusters.find((c) => c.source === 'sim');
    if (sim) await postFault(api, sim.id, { action: 'heal' });
  });

  test('a filtered range exported as CSV and JSON matches the API for the same filter', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    const after = Date.now();
    await postFault(api, clusterId, { action: 'stop', nodes: ['pve3'] });
    // the early warning and the link-downs are warnings; wait for the node to have left
    await expect
      .poll(async () => (await history(api, { cluster: clusterId, type: 'node-left', after, limit: 10 })).total, { timeout: 45_000 })
      .toBeGreaterThan(0);
    await postFault(api, clusterId, { action: 'heal' });
    await expect.poll(async () => (await history(api, { cluster: clusterId, type: 'node-joined', after, limit: 10 })).total, { timeout: 45_000 }).toBeGreaterThan(0);
    const before = Date.now();

    await page.goto(`/history?cluster=${encodeURIComponent(clusterId)}&after=${after}&before=${before}`);
    await expect(page.getByTestId('history-page')).toBeVisible();
    await expect(page.getByTestId('history-live')).toContainText('Not live');

    // the range's warnings, then the whole range: each export holds what the API answers, in its order
    for (const severity of ['warning', ''] as const) {
      await page.getByTestId('history-severity').selectOption(severity);
      if (severity) await expect(page).toHaveURL(/severity=warning/);
      else await expect(page).not.toHaveURL(/severity=/);
      const expected = await history(api, { cluster: clusterId, ...(severity ? { severity } : {}), after, before, limit: 1000 });
      expect(expected.events.length).toBeGreaterThanOrEqual(severity ? 1 : 4);
      await expect(page.getByTestId('history-pager-range')).toHaveText(`1–${Math.min(50, expected.total)} of ${expected.total}`);
      await expect(page.getByTestId('history-event')).toHaveCount(Math.min(50, expected.events.length));

      const csv = await downloaded(page, 'history-export-csv');
      expect(csv.name).toMatch(new RegExp(`^quorate-history-${clusterId}-\\d{8}-\\d{6}\\.csv$`));
      const [header, ...records] = parseCsv(csv.text);
      expect(header).toEqual(['seq', 'time', 'cluster', 'severity', 'type', 'message']);
      expect(records.map((r) => Number(r[0]))).toEqual(expected.events.map((e) => e.seq));
      records.forEach((r, i) => {
        const e = expected.events[i]!;
        expect(r[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d\d:\d\d)$/);
        expect(Date.parse(r[1]!)).toBe(e.at);
        expect(r.slice(2)).toEqual([e.clusterId, e.severity, e.body.type, e.message]);
        if (severity) expect(e.severity).toBe(severity);
      });
      const count = expected.events.length;
      await expect(page.getByTestId('history-export-status')).toHaveText(`Exported ${count} ${count === 1 ? 'event' : 'events'} (CSV).`);

      const json = await downloaded(page, 'history-export-json');
      expect(json.name).toMatch(/\.json$/);
      expect(JSON.parse(json.text)).toEqual(expected.events);
    }
  });

  test('the newest page follows new events live, with their numbers, zones and incident durations', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    await page.goto(`/history?cluster=${encodeURIComponent(clusterId)}`);
    const rows = page.getByTestId('history-event');
    await expect(page.getByTestId('history-live')).toContainText('Live');
    // the first list (maybe empty: this spec may run on a fresh store)
    await expect(page.getByTestId('history-page').getByText('Loading…')).toHaveCount(0);
    await expect(page.getByTestId('history-pager-range')).toHaveText(/^(0–0 of 0|1–\d+ of \d+)$/);
    const top = (await rows.count()) ? Number(await rows.first().getAttribute('data-seq')) : 0;

    await postFault(api, clusterId, { action: 'stop', nodes: ['pve3'] });
    // without a reload: a newer row at the top, marked new for a moment
    await expect.poll(async () => Number((await rows.first().getAttribute('data-seq')) ?? 0), { timeout: 30_000 }).toBeGreaterThan(top);
    await expect(page.locator('[data-testid="history-event"][data-new="true"]').first()).toBeVisible();
    const first = rows.first();
    const seq = await first.getAttribute('data-seq');
    await expect(first).toContainText(`#${seq}`);
    // date, time and zone ("2025-11-25 21:41:07 UTC" / "… CET" / "… UTC+05:30")
    await expect(first.locator('time')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (?:[A-Z]{2,5}|UTC[+-]\d\d:\d\d)$/);

    // the incident of pve3: its events say they are part of it, and it is listed for the range with its
    // duration, ongoing while pve3 is down
    const marker = page.locator('[data-testid="history-event-incident"]', { hasText: 'pve3' }).first();
    await expect(marker).toContainText(/part of: .*pve3.* — \d+ (s|min), ongoing/, { timeout: 30_000 });
    const id = await marker.getAttribute('data-incident');
    const incident = page.locator(`[data-testid="history-incident"][data-incident="${id}"]`);
    await expect(incident).toHaveAttribute('data-open', 'true');
    await expect(incident).toContainText('ongoing');
    await expect(incident.getByTestId('incident-duration')).toHaveText(/^\d+ (s|min)$/);
    await page.screenshot({ path: `${screenshotDir}history-live.png`, fullPage: true });

    await postFault(api, clusterId, { action: 'heal' });
    await expect(incident).toHaveAttribute('data-open', 'false', { timeout: 45_000 });
    await expect(incident).not.toContainText('ongoing');
    await expect(incident.getByTestId('incident-duration')).toHaveText(/^\d+ (s|min)$/);
    // an older page is not live
    await page.goto(`/history?cluster=${encodeURIComponent(clusterId)}&offset=50`);
    await expect(page.getByTestId('history-live')).toContainText('Not live');
  });

  test('the date range lives in the URL and says its zone; the nav marks the page; each page has its title', async ({ page, api }) => {
    const clusterId = await healAndOpen(page, api);
    const name = await clusterName(api, clusterId);
    await expect(page).toHaveTitle(new RegExp(`^● \\w+ — ${name} — Quorate$`));
    await expect(page.getByTestId('nav-overview')).toHaveAttribute('aria-current', 'page');

    await page.getByTestId('nav-history').click();
    await expect(page.getByTestId('history-page')).toBeVisible();
    await expect(page).toHaveTitle(`History — ${name} — Quorate`);
    await expect(page.getByTestId('nav-history')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('nav-overview')).not.toHaveAttribute('aria-current', 'page');

    // From/To: local time to the minute, the zone in the labels; "To 10:05" takes in that whole minute
    await expect(page.getByLabel(/^From \((?:[A-Z]{2,5}|UTC[+-]\d\d:\d\d)\)$/)).toBeVisible();
    await page.getByTestId('history-after').fill('2025-11-25T10:00');
    await page.getByTestId('history-before').fill('2025-11-25T10:05');
    await expect(page).toHaveURL(/after=\d+/);
    await expect(page).toHaveURL(/before=\d+/);
    const url = new URL(page.url());
    const after = Number(url.searchParams.get('after'));
    const before = Number(url.searchParams.get('before'));
    expect(before - after).toBe(6 * 60_000);
    await page.reload();
    await expect(page.getByTestId('history-after')).toHaveValue('2025-11-25T10:00');
    await expect(page.getByTestId('history-before')).toHaveValue('2025-11-25T10:05');
    await expect(page.getByTestId('history-live')).toContainText('Not live');
    await page.getByTestId('history-range-clear').click();
    await expect(page).not.toHaveURL(/after=|before=/);

    // other pages have their titles; back on the overview, the health title again
    await page.getByTestId('nav-audit').click();
    await expect(page.getByTestId('audit-page')).toBeVisible();
    await expect(page).toHaveTitle(`Audit — ${name} — Quorate`);
    await expect(page.getByTestId('nav-audit')).toHaveAttribute('aria-current', 'page');
    await page.getByTestId('current-user').click();
    await expect(page.getByTestId('account-page')).toBeVisible();
    await expect(page).toHaveTitle(`Your account — ${name} — Quorate`);
    await page.getByTestId('nav-overview').click();
    await expect(page.getByTestId('quorum-hero')).toBeVisible();
    await expect(page).toHaveTitle(new RegExp(`^● \\w+ — ${name} — Quorate$`));
  });
});
