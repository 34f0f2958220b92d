/**
 * Voice in the chat: a push-to-talk microphone (hold to talk, or tap to start and tap again to
 * send; Enter/Space toggle it too) that records with MediaRecorder and sends the recording to
 * `POST /api/messages/voice`, then plays the spoken reply; and a read-aloud button for any reply
 * (the server's TTS, or the browser's `speechSynthesis` when the server has none).
 */
import { useEffect, useRef, useState } from 'react';
import type { Message, VoiceReply } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { MicIcon } from '@/components/ui/icons';
import { ApiError } from '@/lib/api-client';
import { fetchSpeech } from '../api/voice';

type MicState = 'idle' | 'asking' | 'recording' | 'sending' | 'denied' | 'unavailable' | 'error';

/** Hold longer than this and letting go sends; a shorter press is a tap (toggle). */
const HOLD_MS = 400;

function recorderType(): string | undefined {
  if (typeof MediaRecorder === 'undefined') return undefined;
  return ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus', 'audio/webm'].find((t) =>
    MediaRecorder.isTypeSupported(t),
  );
}

function base64ToBlob(base64: string, type: string): Blob {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** The browser's own voice (the fallback when the server has no TTS engine). */
export function speakInBrowser(text: string): boolean {
  if (typeof speechSynthesis === 'undefined' || typeof SpeechSynthesisUtterance === 'undefined') return false;
  speechSynthesis.cancel();
  speechSynthesis.speak(new SpeechSynthesisUtterance(text));
  return true;
}

/** One shared <audio> element per control, so a new reply stops the previous one. */
function usePlayer() {
  const audio = useRef<HTMLAudioElement>(null);
  const url = useRef<string | null>(null);
  useEffect(
    () => () => {
      if (url.current) URL.revokeObjectURL(url.current);
    },
    [],
  );
  const play = async (blob: Blob) => {
    const el = audio.current;
    if (!el) return;
    if (url.current) URL.revokeObjectURL(url.current);
    url.current = URL.createObjectURL(blob);
    el.src = url.current;
    await el.play();
  };
  return { audio, play };
}

const MIC_NOTES: Partial<Record<MicState, string>> = {
  asking: 'Allow the microphone to talk to the assistant.',
  recording: 'Listening… release (or press again) to send.',
  sending: 'Transcribing and answering…',
  denied: 'Microphone access was denied. Allow it in your browser’s site settings to talk.',
  unavailable: 'No microphone is available here: type your question instead.',
};

export function VoiceButton({
  onVoice,
  disabled = false,
}: {
  onVoice: (audio: Blob) => Promise<VoiceReply>;
  disabled?: boolean;
}) {
  const [state, setState] = useState<MicState>(() =>
    typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia || !recorderType()
      ? 'unavailable'
      : 'idle',
  );
  const [note, setNote] = useState<string | null>(null);
  const [transcript, setTranscript] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const pressedAt = useRef(0);
  const startedByPress = useRef(false);
  const { audio, play } = usePlayer();

  useEffect(() => () => recorder.current?.stream.getTracks().forEach((t) => t.stop()), []);

  const start = async () => {
    setState('asking');
    setNote(null);
    let stream: MediaStream;
    try {
      // Speech for a recogniser, not a call: the browser's noise suppression and gain control smear
      // consonants (Whisper heard "headache" as "pelvic" through them).
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
      });
    } catch (err) {
      const name = err instanceof DOMException ? err.name : '';
      setState(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable');
      return;
    }
    const type = recorderType();
    const rec = new MediaRecorder(stream, { audioBitsPerSecond: 64_000, ...(type ? { mimeType: type } : {}) });
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    rec.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      recorder.current = null;
      void send(new Blob(chunks, { type: rec.mimeType || type || 'audio/webm' }));
    };
    recorder.current = rec;
    rec.start();
    setState('recording');
  };

  const stop = () => {
    if (recorder.current?.state === 'recording') recorder.current.stop();
  };

  const send = async (blob: Blob) => {
    setState('sending');
    try {
      const answer = await onVoice(blob);
      setTranscript(answer.transcript);
      setState('idle');
      const spoken = answer.audio
        ? play(base64ToBlob(answer.audio.base64, answer.audio.mimeType))
        : Promise.resolve(void speakInBrowser(answer.content));
      await spoken.catch(() => setNote('The answer could not be played: press “Read aloud” on it.'));
    } catch (err) {
      setState('error');
      setNote(err instanceof ApiError ? (err.detail ?? err.message) : 'The recording could not be sent. Try again.');
    }
  };

  const busy = state === 'asking' || state === 'sending';
  const recording = state === 'recording';
  const off = state === 'unavailable' || state === 'denied';
  const label = recording ? 'Stop recording and send' : 'Talk: hold, or press to start recording';
  const message = note ?? MIC_NOTES[state] ?? (transcript ? `You said: “${transcript}”` : null);

  return (
    <div className="flex items-center gap-2">
      <Button
        variant={recording ? 'danger' : 'secondary'}
        aria-label={label}
        title={label}
        aria-pressed={recording}
        disabled={disabled || busy || off}
        data-testid="mic-button"
        data-state={state}
        onPointerDown={() => {
          pressedAt.current = performance.now();
          startedByPress.current = state === 'idle' || state === 'error';
          if (startedByPress.current) void start();
        }}
        onPointerUp={() => {
          // Held down: letting go sends.
          if (performance.now() - pressedAt.current >= HOLD_MS) stop();
        }}
        onClick={(e) => {
          if (e.detail > 0 && startedByPress.current) {
            // This press started it (a tap keeps recording; a hold already stopped on release).
            startedByPress.current = false;
            return;
          }
          if (recording) stop();
          else if (state === 'idle' || state === 'error') void start();
        }}
      >
        <MicIcon className="size-5" />
        <span className="max-sm:sr-only">{recording ? 'Send' : 'Talk'}</span>
      </Button>
      <audio ref={audio} data-testid="reply-audio" className="hidden" />
      <p role="status" className="text-xs text-slate-600 dark:text-slate-400" data-testid="mic-status">
        {message}
      </p>
    </div>
  );
}

/** Read a reply aloud: the server's voice, else the browser's. */
export function ReadAloudButton({ message }: { message: Message }) {
  const [state, setState] = useState<'idle' | 'loading' | 'playing' | 'error'>('idle');
  const { audio, play } = usePlayer();
  const read = async () => {
    setState('loading');
    try {
      await play(await fetchSpeech(message.id));
      setState('playing');
    } catch (err) {
      // No TTS on the server (503): the browser speaks it.
      if (err instanceof ApiError && err.status === 503 && speakInBrowser(message.content)) setState('playing');
      else setState('error');
    }
  };
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        variant="ghost"
        className="min-h-9 px-3 py-1"
        disabled={state === 'loading'}
        onClick={() => void read()}
        data-testid="read-aloud"
      >
        {state === 'loading' ? 'Preparing audio…' : 'Read aloud'}
      </Button>
      <audio ref={audio} className="hidden" onEnded={() => setState('idle')} />
      {state === 'error' ? (
        <span className="text-xs text-red-800 dark:text-red-200">Could not read it aloud.</span>
      ) : null}
    </span>
  );
}
