import { Panel } from '@/components/ui/panel';
import { ComingSoon } from '@/components/ui/coming-soon';
import { MicIcon, PhoneIcon } from '@/components/ui/icons';

/** The voice consultation panel: call state, microphone level, mute and hang-up. */
export function CallPanel({ className }: { className?: string }) {
  return (
    <Panel title="Voice consultation" icon={<PhoneIcon />} className={className}>
      <ComingSoon
        icon={<MicIcon className="size-6" />}
        title="Talk to the assistant like a phone call."
        status="Coming soon: voice calls over WebRTC, with in-browser speech recognition as a fallback."
      >
        <p>Your browser will ask for the microphone first. Nothing is recorded until you start a call.</p>
      </ComingSoon>
    </Panel>
  );
}
