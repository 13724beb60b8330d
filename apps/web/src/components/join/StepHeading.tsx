// A wizard step's heading: it takes the focus when the step changes, so a screen reader starts reading the
// new step and a keyboard user continues from it (not from a button that has gone).
import { useEffect, useRef, type ReactNode } from 'react';

export function StepHeading({ step, children, id }: { step: string; children: ReactNode; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, [step]);
  return (
    <h2 ref={ref} id={id} tabIndex={-1} className="panel-title outline-none focus-visible:ring-2 focus-visible:ring-sky-600" data-testid="step-heading" data-step={step}>
      {children}
    </h2>
  );
}
