import type { ReactNode } from 'react';
import { describeError } from '@/lib/form';
import { useProfile } from '../api/get-profile';
import { AuditList } from './audit-list';
import { AvatarUpload } from './avatar-upload';
import { CardEditor } from './card-editor';

function Aside({
  id,
  title,
  description,
  children,
}: {
  id: string;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={id}
      className="rounded-2xl border border-slate-200 bg-white p-5 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id={id} className="text-lg font-bold">
        {title}
      </h2>
      {description ? <p className="mt-1 text-sm text-slate-700 dark:text-slate-300">{description}</p> : null}
      <div className="mt-4">{children}</div>
    </section>
  );
}

/**
 * The signed-in card page: the editor, and beside it the profile picture, the sign-in PIN and the
 * account's sessions (both passed in by the route: they belong to the auth feature) and who viewed
 * the card.
 */
export function CardOverview({
  pinSettings,
  sessionSettings,
  welcome,
}: {
  pinSettings: ReactNode;
  sessionSettings?: ReactNode;
  welcome?: boolean;
}) {
  const profile = useProfile();
  if (profile.isPending) {
    return (
      <p role="status" className="text-slate-700 dark:text-slate-300">
        Loading your card…
      </p>
    );
  }
  if (profile.isError) {
    return (
      <p role="alert" className="rounded-lg bg-red-50 p-4 text-red-900 dark:bg-red-950/60 dark:text-red-100">
        Your card could not be loaded. {describeError(profile.error)}
      </p>
    );
  }
  const { user, card } = profile.data;
  return (
    <div className="space-y-6">
      {welcome ? (
        <p className="rounded-xl border border-teal-300 bg-teal-50 p-4 text-teal-950 dark:border-teal-800 dark:bg-teal-950/50 dark:text-teal-50">
          Welcome, {user.displayName}. Your card is empty for now: fill in what a doctor or a responder should know,
          then print your QR card.
        </p>
      ) : null}
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <CardEditor user={user} card={card} />
        <div className="space-y-6">
          <Aside id="card-picture-title" title="Profile picture">
            <AvatarUpload user={user} />
          </Aside>
          <Aside id="card-pin-title" title="Sign-in PIN">
            {pinSettings}
          </Aside>
          {sessionSettings ? (
            <Aside id="card-sessions-title" title="Password and devices">
              {sessionSettings}
            </Aside>
          ) : null}
          <Aside
            id="card-audit-title"
            title="Who viewed my card"
            description="Every time someone opens your emergency page after scanning your QR code, newest first; your own sign-ins and changes below."
          >
            <AuditList />
          </Aside>
        </div>
      </div>
    </div>
  );
}
