// @vitest-environment happy-dom
// The shared form parts: Field wires label, hint and error to its control (id, aria-describedby,
// aria-invalid), FilterSelect is a labelled Field with an "all" option, SubmitButton says it is busy,
// ErrorBox shows the API error shape {error, issues}.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../api/http';
import '../../test/component';
import { ErrorBox, Field, FilterSelect, SubmitButton } from '.';

const describedBy = (el: HTMLElement) => (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);

describe('Field', () => {
  it('labels its control and names the hint in aria-describedby; valid while there is no error', () => {
    render(
      <Field label="Password" hint="At least 10 characters.">
        <input type="password" data-testid="pw" />
      </Field>,
    );
    const input = screen.getByLabelText('Password');
    expect(input).toBe(screen.getByTestId('pw'));
    expect(input).toHaveAccessibleDescription('At least 10 characters.');
    expect(input).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByTestId('pw-error')).toBeNull();
  });

  it('with an error: aria-invalid, and the error read after the hint; the error element is <testid>-error', () => {
    render(
      <Field label="Password" hint="At least 10 characters." error="The password needs at least 10 characters (5 so far).">
        <input type="password" data-testid="pw" />
      </Field>,
    );
    const input = screen.getByLabelText('Password');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toBeInvalid();
    const error = screen.getByTestId('pw-error');
    expect(error).toHaveTextContent('The password needs at least 10 characters (5 so far).');
    const ids = describedBy(input);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(error.id);
    expect(input).toHaveAccessibleDescription('At least 10 characters. The password needs at least 10 characters (5 so far).');
  });

  it("keeps the control's own id, description and aria-invalid (no error given)", () => {
    render(
      <>
        <p id="extra">typed twice</p>
        <Field label="Cluster name" hint="as shown in the header">
          <input id="name" aria-describedby="extra" aria-invalid />
        </Field>
      </>,
    );
    const input = screen.getByLabelText('Cluster name');
    expect(input.id).toBe('name');
    expect(describedBy(input)[0]).toBe('extra');
    expect(input).toHaveAccessibleDescription('typed twice as shown in the header');
    expect(input).toHaveAttribute('aria-invalid', 'true');
  });

  it('a hidden label still names the control; a checkbox reads its label after it', () => {
    render(
      <>
        <Field label="Role of vera" hideLabel>
          <select>
            <option>viewer</option>
          </select>
        </Field>
        <Field label="only this cluster" layout="check">
          <input type="checkbox" />
        </Field>
      </>,
    );
    expect(screen.getByRole('combobox', { name: 'Role of vera' })).toBeInTheDocument();
    expect(screen.getByText('Role of vera')).toHaveClass('sr-only');
    expect(screen.getByRole('checkbox', { name: 'only this cluster' })).toBeInTheDocument();
  });

  it('two fields never share an id', () => {
    render(
      <>
        <Field label="A" error="bad">
          <input />
        </Field>
        <Field label="B" error="bad">
          <input />
        </Field>
      </>,
    );
    const [a, b] = [screen.getByLabelText('A'), screen.getByLabelText('B')];
    expect(a.id).not.toBe(b.id);
    expect(describedBy(a)).not.toEqual(describedBy(b));
  });
});

describe('FilterSelect', () => {
  it('a labelled select whose first option is "all" (the empty value)', async () => {
    const onChange = vi.fn();
    render(<FilterSelect label="Severity" value="" onChange={onChange} options={['critical', 'warning']} allLabel="all severities" testId="sev" />);
    const select = screen.getByRole('combobox', { name: 'Severity' });
    expect(select).toHaveValue('');
    expect([...select.querySelectorAll('option')].map((o) => o.textContent)).toEqual(['all severities', 'critical', 'warning']);
    await userEvent.selectOptions(select, 'critical');
    expect(onChange).toHaveBeenCalledWith('critical');
  });
});

describe('SubmitButton', () => {
  it('while pending: disabled, busy, and says so', () => {
    const { rerender } = render(
      <SubmitButton pending={false} pendingLabel="Signing in…">
        Sign in
      </SubmitButton>,
    );
    const button = screen.getByRole('button');
    expect(button).toHaveAttribute('type', 'submit');
    expect(button).toBeEnabled();
    expect(button).toHaveTextContent('Sign in');
    rerender(
      <SubmitButton pending pendingLabel="Signing in…">
        Sign in
      </SubmitButton>,
    );
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute('aria-busy', 'true');
    expect(button).toHaveTextContent('Signing in…');
  });
});

describe('ErrorBox', () => {
  it("the server's message and its field issues", () => {
    const err = new HttpError(400, { error: 'invalid request', issues: [{ path: 'expectedVotes', message: 'must be at most 65535' }] });
    render(<ErrorBox error={err} testId="box" />);
    const box = screen.getByRole('alert');
    expect(box).toHaveTextContent('invalid request');
    expect(screen.getByRole('listitem')).toHaveTextContent('expectedVotes must be at most 65535');
  });

  it('nothing without an error', () => {
    const { container } = render(<ErrorBox error={null} />);
    expect(container).toBeEmptyDOMElement();
  });
});
