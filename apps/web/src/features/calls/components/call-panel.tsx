import { useEffect, useId, useRef, useState } from 'react';
import type { Role } from '@medichat/shared';
import { Panel } from '@/components/ui/panel';
import { Button, ButtonLink } from '@/components/ui/button';
import { MicIcon, PhoneIcon } from '@/components/ui/icons';
import { useSession } from '@/lib/auth-store';
import { useCall } from '../hooks/use-call';
import { endedText, type CallClient, type CallSnapshot } from '../lib/call-client';
import { WaitingCallsList } from './waiting-calls';

export const canAnswerCalls = (role: Role | undefined) => role === 'clinician' || role === 'admin';

/**
 * The dashboard's call panel: a patient calls a clinician; clinicians and admins see the waiting
 * calls and answer them. Media goes peer to peer (WebRTC); the state is announced politely.
 */
export function CallPanel({ className }: { className?: string }) {
  const { status, user } = useSession();
  return (
    <Panel
      title="Voice consultation"
      icon={<PhoneIcon />}
      className={className}
      actions={
        canAnswerCalls(user?.role) ? (
          <ButtonLink to="/clinician/calls" variant="ghost">
            Waiting calls
          </ButtonLink>
        ) : undefined
      }
    >
      {status !== 'signed-in' || !user ? (
        <div className="flex flex-col gap-3 text-sm">
          <p>
            Talk to a clinician by voice, like a phone call. Calls need an account, so the clinician knows who calls.
          </p>
          <ButtonLink to="/login?redirect=%2Fdashboard" variant="secondary" className="self-start">
            Sign in to call
          </ButtonLink>
        </div>
      ) : (
        <SignedInCall role={user.role} />
      )}
      <AssistantCallNote />
    </Panel>
  );
}

function SignedInCall({ role }: { role: Role }) {
  const clinician = canAnswerCalls(role);
  const { client, call } = useCall({ watch: clinician });
  return <CallView client={client} call={call} mode={clinician ? 'clinician' : 'patient'} />;
}

/** The call itself, and for clinicians the waiting list (also the /clinician/calls page). */
export function CallView({
  client,
  call,
  mode,
}: {
  client: CallClient;
  call: CallSnapshot;
  mode: 'patient' | 'clinician';
}) {
  const [video, setVideo] = useState(false);
  const videoId = useId();
  const busy =
    call.phase === 'requesting' || call.phase === 'waiting' || call.phase === 'connecting' || call.phase === 'in-call';
  const done = call.phase === 'ended' || call.phase === 'failed' || call.phase === 'unavailable';
  return (
    <div
      className="flex flex-col gap-4"
      data-call-phase={call.phase}
      data-connection-state={call.connectionState ?? ''}
    >
      <p role="status" aria-live="polite" className="text-sm font-medium">
        {statusText(call, mode)}
      </p>
      {call.message && done ? (
        <p role="alert" className="text-sm text-red-800 dark:text-red-300">
          {call.message}
        </p>
      ) : null}

      {busy ? (
        <div className="flex flex-wrap gap-2">
          {call.phase === 'connecting' || call.phase === 'in-call' ? (
            <Button variant="secondary" aria-pressed={call.muted} onClick={() => client.setMuted(!call.muted)}>
              <MicIcon className="size-4" />
              {call.muted ? 'Unmute' : 'Mute'}
            </Button>
          ) : null}
          <Button variant="danger" onClick={() => client.hangUp()}>
            {call.phase === 'waiting' || call.phase === 'requesting' ? 'Cancel call' : 'Hang up'}
          </Button>
        </div>
      ) : (
        <div className="flex flex-col gap-3">
          <label htmlFor={videoId} className="flex items-center gap-2 text-sm">
            <input
              id={videoId}
              type="checkbox"
              className="size-4"
              checked={video}
              onChange={(e) => setVideo(e.target.checked)}
            />
            Turn on my camera too
          </label>
          {mode === 'patient' ? (
            <Button
              className="self-start"
              onClick={() => {
                client.reset();
                void client.requestCall({ video });
              }}
            >
              <PhoneIcon className="size-4" />
              Call a clinician
            </Button>
          ) : null}
        </div>
      )}

      <RemoteMedia stream={call.remoteStream} hasVideo={call.remoteHasVideo} peerName={call.peer?.displayName} />

      {mode === 'clinician' ? (
        <WaitingCallsList
          calls={call.waiting}
          online={call.online}
          disabled={busy}
          onAnswer={(id) => {
            client.reset();
            void client.answer(id, { video });
          }}
        />
      ) : null}
    </div>
  );
}

function statusText(call: CallSnapshot, mode: 'patient' | 'clinician'): string {
  const who = call.peer?.displayName;
  switch (call.phase) {
    case 'idle':
      return mode === 'patient'
        ? 'No call. Your browser asks for the microphone when you call; nothing is recorded.'
        : call.online
          ? 'Ready to answer calls.'
          : 'Connecting to the call service…';
    case 'requesting':
      return 'Starting the call…';
    case 'waiting':
      return 'Waiting for a clinician to answer…';
    case 'connecting':
      return who ? `Connecting to ${who}…` : 'Connecting…';
    case 'in-call':
      return who ? `In call with ${who}.` : 'In call.';
    case 'ended':
      return endedText(call.endReason);
    case 'failed':
      return 'The call failed.';
    case 'unavailable':
      return call.unavailable === 'microphone'
        ? 'Calls need your microphone.'
        : call.unavailable === 'browser'
          ? 'Calls are not available in this browser.'
          : 'Calls are not available right now.';
  }
}

function RemoteMedia({
  stream,
  hasVideo,
  peerName,
}: {
  stream: MediaStream | null;
  hasVideo: boolean;
  peerName?: string;
}) {
  const ref = useRef<HTMLMediaElement | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = stream;
    if (stream) void el.play().catch(() => undefined);
  }, [stream, hasVideo]);
  if (!stream) return null;
  const label = peerName ? `${peerName}’s ${hasVideo ? 'video' : 'audio'}` : 'The other side';
  return hasVideo ? (
    <video
      ref={(el) => {
        ref.current = el;
      }}
      autoPlay
      playsInline
      aria-label={label}
      className="aspect-video w-full rounded-xl bg-slate-950"
      data-remote-media=""
    />
  ) : (
    <audio
      ref={(el) => {
        ref.current = el;
      }}
      autoPlay
      aria-label={label}
      data-remote-media=""
    />
  );
}

/** The hands-free assistant call: its entry point, honest about what it waits for. */
function AssistantCallNote() {
  return (
    <div className="mt-5 border-t border-slate-200 pt-4 text-sm dark:border-slate-800">
      <p className="font-medium">Hands-free with the assistant</p>
      <p className="mt-1 text-slate-700 dark:text-slate-300">
        Talking to the AI assistant like a phone call needs the server’s voice engine (speech recognition and
        read-aloud), which is not switched on yet. Until then, type in the chat.
      </p>
    </div>
  );
}
