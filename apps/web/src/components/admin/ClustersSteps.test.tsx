// @vitest-environment happy-dom
// The connect test's steps: ✓ passed, ✕ failed, ! passed with a warning (VM.Audit missing: the cluster
// works, guests are not counted) — each said in words for a screen reader too.
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../../test/component';
import { Steps } from './ClustersConnect';

describe('Steps', () => {
  it('marks a passed step with a warning apart from a clean pass and a failure', () => {
    render(
      <Steps
        result={{
          ok: true,
          steps: [
            { name: 'auth', ok: true, message: 'the token is accepted' },
            { name: 'permissions', ok: true, warning: true, message: 'the token lacks VM.Audit on /vms' },
            { name: 'resources', ok: false, message: 'the token needs Datastore.Audit' },
          ],
        }}
      />,
    );
    const perms = screen.getByTestId('cluster-test-step-permissions');
    expect(perms).toHaveAttribute('data-warning', 'true');
    expect(perms).toHaveTextContent(/^!warning: permissions the token lacks VM\.Audit/);
    expect(screen.getByTestId('cluster-test-step-auth')).toHaveTextContent(/^✓passed: auth/);
    expect(screen.getByTestId('cluster-test-step-auth')).toHaveAttribute('data-warning', 'false');
    expect(screen.getByTestId('cluster-test-step-resources')).toHaveTextContent(/^✕failed: resources/);
  });
});
