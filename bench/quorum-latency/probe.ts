// The in-page probe of bench:quorum-latency: a MutationObserver that records, with the page's own
// Date.now() (same machine, same clock as the harness), every change of what an admin reads: the quorum
// state, the votes line, each node row's state and whether the early-warning banner is shown. The
// harness reads the marks afterwards and finds the first one that shows a change.

export interface DomState {
  quorum: string | null;
  votes: string | null;
  /** node name -> data-state of its row */
  rows: Record<string, string | null>;
  warning: boolean;
}

export interface DomMark extends DomState {
  /** Date.now() in the page when the mutation was observed (before the paint) */
  at: number;
  /** Date.now() at the start of the next animation frame (the frame that paints it) */
  frameAt: number | null;
}

declare global {
  interface Window {
    __qlMarks?: DomMark[];
  }
}

/**
 * Runs in the page (page.addInitScript({ content })). A string, not a function: tsx/esbuild would add
 * helper calls (__name) to a function's body that do not exist in the page.
 */
export const PROBE_SCRIPT = `(() => {
  const marks = [];
  window.__qlMarks = marks;
  let lastKey = '';
  const read = () => {
    const rows = {};
    document.querySelectorAll('[data-testid^="node-row-"]').forEach((r) => {
      rows[(r.getAttribute('data-testid') || '').slice('node-row-'.length)] = r.getAttribute('data-state');
    });
    const q = document.querySelector('[data-testid="quorum-state"]');
    const v = document.querySelector('[data-testid="votes-summary"]');
    return {
      quorum: q ? q.textContent : null,
      votes: v ? v.textContent : null,
      rows,
      warning: document.querySelector('[data-testid="early-warning"]') !== null,
    };
  };
  const check = () => {
    const at = Date.now();
    const state = read();
    const key = JSON.stringify(state);
    if (key === lastKey) return;
    lastKey = key;
    const mark = Object.assign({}, state, { at, frameAt: null });
    marks.push(mark);
    if (marks.length > 5000) marks.splice(0, marks.length - 5000);
    requestAnimationFrame(() => { mark.frameAt = Date.now(); });
  };
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state', 'data-testid'],
  });
})();`;
