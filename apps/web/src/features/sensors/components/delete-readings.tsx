import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { FormAlert } from '@/components/ui/form';
import { Panel } from '@/components/ui/panel';
import { ApiError } from '@/lib/api-client';
import { useDeleteSource, useSources } from '../api/sources';

const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Each source of the patient's readings with its count and span, and a confirmed delete per source. */
export function DeleteReadings() {
  const sources = useSources();
  const remove = useDeleteSource();
  const [asked, setAsked] = useState<{ source: string; count: number } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  return (
    <Panel title="Your readings' sources" level={2}>
      {sources.isPending ? (
        <p role="status" className="text-sm">
          Loading sources…
        </p>
      ) : sources.isError ? (
        <FormAlert>Could not load where your readings come from.</FormAlert>
      ) : sources.data.sources.length === 0 ? (
        <p className="text-sm text-slate-700 dark:text-slate-300">No readings are stored for you.</p>
      ) : (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Sources of your readings">
          {sources.data.sources.map((s) => (
            <li key={s.source} className="flex flex-wrap items-center justify-between gap-3 py-3">
              <div className="min-w-0">
                <p className="font-medium break-words">{s.source}</p>
                <p className="text-sm text-slate-700 dark:text-slate-300">
                  {s.count.toLocaleString()} readings, {day.format(new Date(s.first))} to {day.format(new Date(s.last))}
                </p>
              </div>
              <Button
                variant="secondary"
                aria-label={`Delete the readings from ${s.source}`}
                onClick={() => {
                  remove.reset();
                  setDone(null);
                  setAsked({ source: s.source, count: s.count });
                }}
              >
                Delete…
              </Button>
            </li>
          ))}
        </ul>
      )}
      {done ? (
        <p role="status" className="mt-3 text-sm">
          {done}
        </p>
      ) : null}
      <ConfirmDialog
        open={asked !== null}
        title="Delete these readings?"
        confirmLabel="Delete readings"
        busyLabel="Deleting…"
        tone="danger"
        busy={remove.isPending}
        error={
          remove.error
            ? remove.error instanceof ApiError
              ? remove.error.title
              : 'The readings could not be deleted.'
            : null
        }
        onCancel={() => setAsked(null)}
        onConfirm={() => {
          if (!asked) return;
          remove.mutate(asked.source, {
            onSuccess: ({ deleted }) => {
              setDone(`Deleted ${deleted.toLocaleString()} readings from ${asked.source}.`);
              setAsked(null);
            },
          });
        }}
      >
        <p>
          All {asked?.count.toLocaleString()} readings from <strong>{asked?.source}</strong> will be deleted for good.
          The assistant will no longer see them. You can import them again later.
        </p>
      </ConfirmDialog>
    </Panel>
  );
}
