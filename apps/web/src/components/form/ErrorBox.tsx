// What the server refused, as it said it: the API error shape {error, issues?} (HttpError.body), with each
// field issue on its own line. Any other error shows its message.
import type { ApiError } from '@quorate/model';
import { errorText } from '../../api/http';
import { Icon } from '../Icon';

function issuesOf(error: unknown): NonNullable<ApiError['issues']> {
  if (!error || typeof error !== 'object' || !('body' in error)) return [];
  const body = (error as { body: ApiError | null }).body;
  return body?.issues ?? [];
}

export function ErrorBox({ error, testId, id, title }: { error: unknown; testId?: string; id?: string; title?: string }) {
  if (!error) return null;
  const message = errorText(error);
  const issues = issuesOf(error);
  return (
    <div
      role="alert"
      id={id}
      data-testid={testId}
      className="rounded border-2 border-red-700 bg-red-50 p-2 text-sm text-red-950 dark:border-red-400 dark:bg-red-950 dark:text-red-100"
    >
      <p className="flex items-center gap-1 font-semibold">
        <Icon name="bad" /> {title ? `${title}: ${message}` : message}
      </p>
      {issues.length > 0 && (
        <ul className="mt-1 list-disc pl-5">
          {issues.map((i, k) => (
            <li key={k}>
              {i.path ? <code>{i.path}</code> : null} {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
