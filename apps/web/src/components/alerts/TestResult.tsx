// What "Send test" got back, inline by the channel: the outcome, the provider's status and its short reply.
import type { Delivery } from '../../api/alerts';
import { errorText } from '../../api/http';
import { OutcomeTag } from './OutcomeTag';

export function TestResult({ delivery, error, pending, testId }: { delivery: Delivery | undefined; error: unknown; pending: boolean; testId: string }) {
  return (
    <p aria-live="polite" className="text-sm" data-testid={testId}>
      {pending ? (
        'Sending a test…'
      ) : error ? (
        <span className="font-semibold text-red-800 dark:text-red-300">The test could not be sent: {errorText(error)}</span>
      ) : delivery ? (
        <>
          Test: <OutcomeTag outcome={delivery.outcome} />
          {delivery.status !== null && <> · status {delivery.status}</>}
          {delivery.detail && <> · {delivery.detail}</>}
        </>
      ) : null}
    </p>
  );
}
