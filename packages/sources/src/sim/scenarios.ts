// Canned fault sequences, as steps in simulated time (ms after the scenario starts).
import { majority, type SimFault } from '@quorate/model';
import { at } from './invariant';

export interface ScheduledStep {
  /** simulated time (ms since epoch) when the step applies */
  at: number;
  fault: SimFault;
}

export type ScenarioName = Extract<SimFault, { action: 'scenario' }>['name'];

const STEP_MS = 15_000;

/** the steps of a scenario, relative to its start, for nodes pve1..pveN with link count L */
export function scenarioSteps(name: ScenarioName, names: readonly string[]): Array<{ afterMs: number; fault: SimFault }> {
  const n = names.length;
  switch (name) {
    case 'rolling-failure': {
      // crash nodes one after another, highest id first, until quorum is gone; then heal
      const crashes = n - majority(n) + 1;
      const steps = names
        .slice(n - crashes)
        .reverse()
        .map((node, i) => ({ afterMs: i * STEP_MS, fault: { action: 'stop', nodes: [node] } as SimFault }));
      steps.push({ afterMs: crashes * STEP_MS + 30_000, fault: { action: 'heal' } });
      return steps;
    }
    case 'flapping-link': {
      // link 0 of the last node goes down and up every 5 s for a minute
      const node = at(names, n - 1, 'node');
      const steps: Array<{ afterMs: number; fault: SimFault }> = [];
      for (let t = 0; t < 60_000; t += 10_000) {
        steps.push({ afterMs: t, fault: { action: 'link-down', node, link: 0 } });
        steps.push({ afterMs: t + 5_000, fault: { action: 'link-up', node, link: 0 } });
      }
      return steps;
    }
    case 'split-brain': {
      // cut the cluster in two halves (the first half is the smaller one for odd counts), heal after a minute
      const half = Math.floor(n / 2);
      return [
        { afterMs: 0, fault: { action: 'partition', groups: [names.slice(0, half), names.slice(half)] } },
        { afterMs: 60_000, fault: { action: 'heal' } },
      ];
    }
  }
}
