import { useState } from 'react';
import type { AuditEntry, AuditKind } from '@medichat/shared';
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

function Entry({ entry }: { entry: AuditEntry }) {
  const byOther = entry.actor !== 'self';
  const where = [browserName(entry.userAgent), entry.ip ? `IP ${entry.ip}` : null].filter(Boolean).join(' · ');
  const extra = details(entry);
  return (
    <li className="py-3">
      <time dateTime={entry.createdAt} className="block text-sm text-slate-700 tabular-nums dark:text-slate-300">
        {dateFormat.format(new Date(entry.createdAt))}
      </time>
      <p className={cn('font-semibold', byOther && 'text-red-900 dark:text-red-200')}>
        {auditActionLabel(entry.action)}
      </p>
      <p className="text-sm text-slate-700 dark:text-slate-300">{actorLabel(entry.actor)}</p>
      {extra ? <p className="text-sm text-slate-700 dark:text-slate-300">{extra}</p> : null}
      {where ? <p className="text-sm [overflow-wrap:anywhere] text-slate-600 dark:text-slate-400">{where}</p> : null}
    </li>
  );
}

/** One kind of the trail, newest first, with "Show older entries". */
function AuditEntries({ kind, testId, empty }: { kind: AuditKind; testId: string; empty: string }) {
  const audit = useAudit(kind);
  if (audit.isPending) return <p role="status">Loading the history…</p>;
  if (audit.isError) return <p role="alert">The history could not be loaded. {describeError(audit.error)}</p>;
  const entries = audit.data.pages.flatMap((p) => p.items);
  if (!entries.length) return <p className="text-slate-700 dark:text-slate-300">{empty}</p>;
  return (
    <div>
      <ol className="divide-y divide-slate-200 dark:divide-slate-800" data-testid={testId}>
        {entries.map((entry) => (
          <Entry key={entry.id} entry={entry} />
        ))}
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

/**
 * "Who viewed my card": first, on their own, the views of the emergency page by someone who scanned
 * the QR code (what the owner came to see); below, collapsed, the owner's own sign-ins and changes
 * (`kind=account`), loaded only when opened, so nothing happens unseen but nothing buries the views.
 */
export function AuditList() {
  const [showOwn, setShowOwn] = useState(false);
  return (
    <div className="space-y-4">
      <section aria-labelledby="audit-views-title">
        <h3 id="audit-views-title" className="font-semibold">
          Views of your emergency page
        </h3>
        <AuditEntries kind="views" testId="audit-views" empty="Nobody has opened your emergency page yet." />
      </section>
      <details
        className="rounded-xl border border-slate-200 p-3 dark:border-slate-700"
        onToggle={(e) => setShowOwn(e.currentTarget.open)}
        data-testid="audit-own"
      >
        <summary className="min-h-11 cursor-pointer py-2 font-semibold">Your own sign-ins and changes</summary>
        {showOwn ? <AuditEntries kind="account" testId="audit-list" empty="Nothing recorded yet." /> : null}
      </details>
    </div>
  );
}
