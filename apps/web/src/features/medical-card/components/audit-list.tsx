import type { AuditEntry } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { describeError } from '@/lib/form';
import { cn } from '@/lib/cn';
import { useAudit } from '../api/get-audit';
import { actorLabel, auditActionLabel, EMERGENCY_FIELD_LABELS } from '../lib/labels';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A short browser name from a user agent ("Chrome on Linux"), or null. */
function browserName(ua: string | null): string | null {
  if (!ua) return null;
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null;
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Windows/.test(ua)
        ? 'Windows'
        : /Mac OS X/.test(ua)
          ? 'macOS'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  if (!browser && !os) return 'Unknown browser';
  return [browser ?? 'A browser', os ? `on ${os}` : null].filter(Boolean).join(' ');
}

function details(entry: AuditEntry): string | null {
  const fields = entry.detail?.fields;
  if (Array.isArray(fields) && fields.length) {
    const names = fields.map((f) => EMERGENCY_FIELD_LABELS[String(f)] ?? String(f));
    return entry.action === 'card.emergency_view' ? `Saw: ${names.join(', ')}` : `Changed: ${names.join(', ')}`;
  }
  if (typeof entry.detail?.method === 'string')
    return `With ${entry.detail.method === 'password' ? 'password' : entry.detail.method.toUpperCase()}`;
  return null;
}

/**
 * "Who viewed my card": the owner's audit trail, newest first. Views by others (the emergency view
 * after a QR scan) stand out; sign-ins and changes are listed too, so nothing happens unseen.
 */
export function AuditList() {
  const audit = useAudit();
  if (audit.isPending) return <p role="status">Loading the history…</p>;
  if (audit.isError) return <p role="alert">The history could not be loaded. {describeError(audit.error)}</p>;
  const entries = audit.data.pages.flatMap((p) => p.items);
  if (!entries.length) return <p className="text-slate-700 dark:text-slate-300">Nothing recorded yet.</p>;
  return (
    <div>
      <ol className="divide-y divide-slate-200 dark:divide-slate-800" data-testid="audit-list">
        {entries.map((entry) => {
          const byOther = entry.actor !== 'self';
          const where = [browserName(entry.userAgent), entry.ip ? `IP ${entry.ip}` : null].filter(Boolean).join(' · ');
          const extra = details(entry);
          return (
            <li key={entry.id} className="py-3">
              <time
                dateTime={entry.createdAt}
                className="block text-sm text-slate-700 tabular-nums dark:text-slate-300"
              >
                {dateFormat.format(new Date(entry.createdAt))}
              </time>
              <p className={cn('font-semibold', byOther && 'text-red-900 dark:text-red-200')}>
                {auditActionLabel(entry.action)}
              </p>
              <p className="text-sm text-slate-700 dark:text-slate-300">{actorLabel(entry.actor)}</p>
              {extra ? <p className="text-sm text-slate-700 dark:text-slate-300">{extra}</p> : null}
              {where ? (
                <p className="text-sm [overflow-wrap:anywhere] text-slate-600 dark:text-slate-400">{where}</p>
              ) : null}
            </li>
          );
        })}
      </ol>
      {audit.hasNextPage ? (
        <Button
          variant="secondary"
          className="mt-4"
          onClick={() => void audit.fetchNextPage()}
          disabled={audit.isFetchingNextPage}
        >
          {audit.isFetchingNextPage ? 'Loading…' : 'Show older entries'}
        </Button>
      ) : null}
    </div>
  );
}
