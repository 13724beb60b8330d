// @vitest-environment happy-dom
// The tab's title and icon: a status word first, one colour per state, grey for data that cannot vouch
// for "healthy", and the icon swapped on the page's one <link rel="icon">.
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthState } from '@quorate/model';
import { BRAND_FAVICON, faviconHref, faviconSvg, pageTitle, showHealth, signalState, STATE_COLOR, tabTitle } from './health-signal';

const STATES: HealthState[] = ['healthy', 'degraded', 'lost', 'unknown'];

describe('tabTitle', () => {
  it('puts the status word first, then the cluster, then the app', () => {
    expect(tabTitle('degraded', 'lab-cluster')).toBe('● DEGRADED — lab-cluster — Quorate');
    expect(tabTitle('healthy', 'lab-cluster')).toBe('● HEALTHY — lab-cluster — Quorate');
    expect(tabTitle('lost', 'lab-cluster')).toBe('● QUORUM LOST — lab-cluster — Quorate');
    expect(tabTitle('unknown', 'lab-cluster')).toBe('● UNKNOWN — lab-cluster — Quorate');
  });
  it('no state yet: just the name; no name: just the app', () => {
    expect(tabTitle(null, 'lab-cluster')).toBe('lab-cluster — Quorate');
    expect(tabTitle(null, '')).toBe('Quorate');
    expect(tabTitle('lost', '  ')).toBe('● QUORUM LOST — Quorate');
    // another page: its name instead of the state (the icon keeps the state)
    expect(tabTitle('degraded', 'lab-cluster', pageTitle('/history'))).toBe('History — lab-cluster — Quorate');
    expect(tabTitle(null, '', pageTitle('/admin/'))).toBe('Admin — Quorate');
    expect(pageTitle('/')).toBeNull();
    expect(pageTitle('/nowhere')).toBe('No such page');
  });
});

describe('signalState', () => {
  it('only live data may show healthy; degraded and lost keep their colour when not live', () => {
    expect(signalState('healthy', true)).toBe('healthy');
    expect(signalState('healthy', false)).toBe('unknown');
    expect(signalState('degraded', false)).toBe('degraded');
    expect(signalState('lost', false)).toBe('lost');
    expect(signalState('unknown', true)).toBe('unknown');
  });
});

describe('favicon', () => {
  it('green, amber, red, grey: one colour per state, each a distinct sign', () => {
    expect(STATES.map((s) => STATE_COLOR[s])).toEqual(['#059669', '#f59e0b', '#dc2626', '#64748b']);
    const svgs = STATES.map(faviconSvg);
    for (const [i, s] of STATES.entries()) expect(svgs[i]).toContain(`fill="${STATE_COLOR[s]}"`);
    expect(new Set(svgs).size).toBe(4);
  });
  it('is an SVG data URL that decodes back to the drawing', () => {
    const href = faviconHref('degraded');
    expect(href.startsWith('data:image/svg+xml,')).toBe(true);
    expect(decodeURIComponent(href.slice('data:image/svg+xml,'.length))).toBe(faviconSvg('degraded'));
  });
});

describe('showHealth', () => {
  afterEach(() => {
    document.head.innerHTML = '';
    document.title = '';
  });
  const icons = () => document.querySelectorAll<HTMLLinkElement>('link[rel="icon"]');

  it('swaps the href of the existing icon link, and sets the title', () => {
    document.head.innerHTML = `<link rel="icon" type="image/svg+xml" href="${BRAND_FAVICON}">`;
    showHealth('lost', 'lab-cluster');
    expect(document.title).toBe('● QUORUM LOST — lab-cluster — Quorate');
    expect(icons()).toHaveLength(1);
    expect(icons()[0]!.getAttribute('href')).toBe(faviconHref('lost'));
    expect(icons()[0]!.dataset.state).toBe('lost');
    showHealth('healthy', 'lab-cluster');
    expect(icons()).toHaveLength(1);
    expect(icons()[0]!.getAttribute('href')).toBe(faviconHref('healthy'));
  });
  it('makes the link when the page has none; back to the brand icon without a state', () => {
    showHealth('degraded', 'x');
    expect(icons()).toHaveLength(1);
    expect(icons()[0]!.type).toBe('image/svg+xml');
    showHealth(null, '');
    expect(icons()[0]!.getAttribute('href')).toBe(BRAND_FAVICON);
    expect(icons()[0]!.dataset.state).toBeUndefined();
    expect(document.title).toBe('Quorate');
  });
});
