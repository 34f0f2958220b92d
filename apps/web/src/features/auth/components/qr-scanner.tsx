import type { IScannerControls } from '@zxing/browser';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { CameraIcon } from '@/components/ui/icons';
import { CardQrReader } from '../lib/decode-qr';

type CameraState = 'idle' | 'starting' | 'scanning' | 'denied' | 'no-camera' | 'busy' | 'unsupported' | 'error';

const MESSAGES: Record<Exclude<CameraState, 'idle' | 'starting' | 'scanning'>, string> = {
  denied:
    'Camera access is blocked. Allow the camera for this site in your browser’s settings (the camera icon in the address bar), then press “Start camera” again — or use one of the other ways below.',
  'no-camera': 'No camera was found on this device. Use one of the other ways below.',
  busy: 'The camera is in use by another app or tab. Close it and press “Start camera” again.',
  unsupported:
    'This browser cannot use the camera here (it needs a secure https connection). Use one of the other ways below.',
  error: 'The camera could not be started. Use one of the other ways below.',
};

function cameraErrorState(error: unknown): CameraState {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') {
    return 'no-camera';
  }
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'busy';
  return 'error';
}

async function cameraAlreadyAllowed(): Promise<boolean> {
  try {
    const status = await navigator.permissions?.query({ name: 'camera' as PermissionName });
    return status?.state === 'granted';
  } catch {
    return false; // Browsers that cannot query the camera permission: ask with the button.
  }
}

/**
 * The camera viewfinder: `@zxing/browser` reads QR codes from the video (`decodeFromVideoDevice`,
 * back camera preferred; each frame is read the two ways of `CardQrReader`). The first code read
 * stops the camera and goes to `onDecode`. The camera starts by itself only when the site already
 * has permission; otherwise the user presses “Start camera”, so the permission prompt never comes
 * out of nowhere. The image never leaves the device.
 */
export function QrScanner({ onDecode, active = true }: { onDecode: (text: string) => void; active?: boolean }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const controlsRef = useRef<IScannerControls | null>(null);
  const onDecodeRef = useRef(onDecode);
  const [state, setState] = useState<CameraState>('idle');

  useEffect(() => {
    onDecodeRef.current = onDecode;
  }, [onDecode]);

  /** Bumped by every stop, so a camera that finishes starting after a stop is shut at once. */
  const generationRef = useRef(0);

  const stop = useCallback(() => {
    generationRef.current++;
    controlsRef.current?.stop();
    controlsRef.current = null;
  }, []);

  const start = useCallback(async () => {
    const video = videoRef.current;
    if (!video) return;
    if (!navigator.mediaDevices?.getUserMedia) {
      setState('unsupported');
      return;
    }
    stop();
    const generation = generationRef.current;
    setState('starting');
    try {
      const reader = new CardQrReader(undefined, { delayBetweenScanAttempts: 150 });
      let done = false;
      const controls = await reader.decodeFromVideoDevice(undefined, video, (result, _error, ctl) => {
        // `_error` is set on every frame without a code (NotFoundException): nothing to report.
        if (!result || done) return;
        done = true;
        ctl.stop();
        controlsRef.current = null;
        setState('idle');
        onDecodeRef.current(result.getText());
      });
      if (done) controls.stop();
      else if (generation !== generationRef.current) controls.stop();
      else {
        controlsRef.current = controls;
        setState('scanning');
      }
    } catch (error) {
      if (generation === generationRef.current) setState(cameraErrorState(error));
    }
  }, [stop]);

  // Start by itself when allowed and wanted; always release the camera when leaving or pausing.
  useEffect(() => {
    if (!active) {
      stop();
      // Paused by the parent (a code is being checked): show the idle view, not a stale scanning one.
      setState((s) => (s === 'scanning' || s === 'starting' ? 'idle' : s));
      return;
    }
    let cancelled = false;
    void cameraAlreadyAllowed().then((allowed) => {
      if (allowed && !cancelled) void start();
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [active, start, stop]);

  const scanning = state === 'scanning';
  const problem = state in MESSAGES ? MESSAGES[state as keyof typeof MESSAGES] : null;

  return (
    <div className="mx-auto w-full max-w-md">
      <div className="relative aspect-square overflow-hidden rounded-2xl bg-slate-900 dark:bg-black">
        <video
          ref={videoRef}
          muted
          playsInline
          aria-label="Camera view for scanning the QR code"
          className={scanning ? 'absolute inset-0 size-full object-cover' : 'hidden'}
        />
        <div aria-hidden="true" className="absolute inset-10 rounded-xl border-2 border-dashed border-teal-300/80" />
        {!scanning ? (
          <div className="absolute inset-0 flex flex-col items-center justify-center gap-4 p-14 text-center text-white">
            <CameraIcon className="size-8 text-teal-200" />
            <p className="font-semibold">
              {state === 'starting' ? 'Starting the camera…' : 'Your camera will show here.'}
            </p>
            {active && state !== 'starting' ? (
              <Button variant="inverse" onClick={() => void start()}>
                {state === 'idle' ? 'Start camera' : 'Try the camera again'}
              </Button>
            ) : null}
          </div>
        ) : null}
      </div>
      <p role="status" className="mt-3 min-h-6 text-sm font-medium text-slate-900 dark:text-slate-100">
        {scanning ? 'Camera on. Hold your QR code inside the frame, about 20 cm away.' : ''}
      </p>
      {problem ? (
        <p
          role="alert"
          className="mt-1 rounded-lg bg-amber-50 p-3 text-sm text-amber-950 dark:bg-amber-950/60 dark:text-amber-50"
        >
          {problem}
        </p>
      ) : null}
      {scanning ? (
        <Button
          variant="secondary"
          className="mt-2"
          onClick={() => {
            stop();
            setState('idle');
          }}
        >
          Stop camera
        </Button>
      ) : null}
      <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">
        Your browser asks before the camera turns on. The picture stays on your device; only the code it reads is sent.
      </p>
    </div>
  );
}
