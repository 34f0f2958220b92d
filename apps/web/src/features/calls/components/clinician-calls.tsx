import { ButtonLink } from '@/components/ui/button';
import { Panel } from '@/components/ui/panel';
import { PhoneIcon } from '@/components/ui/icons';
import { useSession } from '@/lib/auth-store';
import { useCall } from '../hooks/use-call';
import { CallView, canAnswerCalls } from './call-panel';

/** The clinicians' page: waiting calls, live, and the call being answered. */
export function ClinicianCalls() {
  const { status, user } = useSession();
  if (status === 'unknown') return <p className="text-sm">Checking your session…</p>;
  if (!user) {
    return (
      <div className="flex flex-col gap-3 text-sm">
        <p>Sign in with a clinician account to answer calls.</p>
        <ButtonLink to="/login?redirect=%2Fclinician%2Fcalls" variant="secondary" className="self-start">
          Sign in
        </ButtonLink>
      </div>
    );
  }
  if (!canAnswerCalls(user.role)) {
    return (
      <p className="text-sm">Only clinicians and admins answer calls. To talk to one, call from your dashboard.</p>
    );
  }
  return <ClinicianCallPanel />;
}

function ClinicianCallPanel() {
  const { client, call } = useCall({ watch: true });
  return (
    <Panel title="Calls" icon={<PhoneIcon />}>
      <CallView client={client} call={call} mode="clinician" />
    </Panel>
  );
}
