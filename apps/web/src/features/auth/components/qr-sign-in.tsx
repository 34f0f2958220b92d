import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { pinSchema } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { FormAlert, TextField, labelClasses } from '@/components/ui/form';
import { ApiError } from '@/lib/api-client';
import { useFocusFirstError, sentence } from '@/lib/form';
import { extractQrToken } from '@/lib/qr-token';
import { useQrLogin } from '../api/qr-login';
import { decodeQrPicture } from '../lib/decode-qr';
import { pinErrorMessage } from './pin-sign-in';
import { QrScanner } from './qr-scanner';

const NOT_OURS = 'That is not a Medichat card QR code. Scan the code printed on your medical card.';
const NO_CODE_IN_PICTURE =
  'No QR code was found in that picture. Try a sharper, closer photo with the whole code in view.';

function qrErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.type === 'invalid_credentials') {
    return 'This QR code does not sign anyone in. It may come from an older card that was replaced by a new one: sign in another way and print your current card.';
  }
  return pinErrorMessage(error);
}

/**
 * QR sign-in: scan with the camera, or paste the code's text, or upload a photo of it. The code is
 * sent as is (`POST /api/auth/qr-login`); when the account has a PIN the server asks for it
 * (`pin_required`) and the PIN step appears.
 */
export function QrSignIn({ redirectTo }: { redirectTo: string }) {
  const navigate = useNavigate();
  const { ref: pinFormRef, focusFirstError: focusPinError } = useFocusFirstError();
  const { ref: fallbackRef, focusFirstError: focusFallbackError } = useFocusFirstError<HTMLElement>();
  const [qr, setQr] = useState<string | null>(null);
  const [needPin, setNeedPin] = useState(false);
  const [pin, setPin] = useState('');
  const [pinError, setPinError] = useState<string | undefined>();
  const [alert, setAlert] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const [pasteError, setPasteError] = useState<string | undefined>();
  const [imageError, setImageError] = useState<string | undefined>();
  const [decodingImage, setDecodingImage] = useState(false);
  const mutation = useQrLogin();

  // The PIN step replaces the scanner: its field takes focus.
  useEffect(() => {
    if (needPin) document.getElementById('qr-pin')?.focus();
  }, [needPin]);

  const reset = (message: string | null) => {
    setQr(null);
    setNeedPin(false);
    setPin('');
    setAlert(message);
  };

  const submit = (token: string, withPin?: string) => {
    setAlert(null);
    mutation.mutate(withPin ? { qr: token, pin: withPin } : { qr: token }, {
      onSuccess: () => navigate(redirectTo, { replace: true }),
      onError: (error) => {
        if (error instanceof ApiError && error.type === 'pin_required') {
          setNeedPin(true);
          return;
        }
        if (needPin || withPin) {
          setPin('');
          if (error instanceof ApiError && error.type === 'invalid_credentials' && withPin) {
            setAlert(pinErrorMessage(error));
            focusPinError();
            return;
          }
        }
        reset(qrErrorMessage(error));
      },
    });
  };

  /** Any code from the camera, the paste box or a picture. */
  const handleCode = (text: string): boolean => {
    const token = extractQrToken(text);
    if (!token) {
      setAlert(NOT_OURS);
      return false;
    }
    setQr(token);
    submit(token);
    return true;
  };

  const onPinSubmit = (event: FormEvent) => {
    event.preventDefault();
    const check = pinSchema.safeParse(pin);
    if (!check.success) {
      setPinError(sentence(check.error.issues[0]?.message ?? 'Enter your PIN'));
      focusPinError();
      return;
    }
    setPinError(undefined);
    if (qr) submit(qr, pin);
  };

  const onPaste = (event: FormEvent) => {
    event.preventDefault();
    if (!pasted.trim()) {
      setPasteError('Paste the text of your QR code first');
      focusFallbackError();
      return;
    }
    if (!extractQrToken(pasted)) {
      setPasteError(NOT_OURS);
      focusFallbackError();
      return;
    }
    setPasteError(undefined);
    handleCode(pasted);
  };

  const onImage = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setImageError(undefined);
    setDecodingImage(true);
    try {
      const text = await decodeQrPicture(file);
      if (text === null) setImageError(NO_CODE_IN_PICTURE);
      else if (!extractQrToken(text)) setImageError(NOT_OURS);
      else handleCode(text);
    } catch {
      // Not a picture the browser can open (createImageBitmap refuses it).
      setImageError(NO_CODE_IN_PICTURE);
    } finally {
      setDecodingImage(false);
    }
  };

  const busy = mutation.isPending;

  if (needPin && qr) {
    return (
      <form ref={pinFormRef} noValidate onSubmit={onPinSubmit} className="mx-auto max-w-md space-y-5">
        <FormAlert tone={alert ? 'error' : 'info'}>
          {alert ?? 'QR code read. This account also asks for its PIN, so a lost card cannot sign anyone in.'}
        </FormAlert>
        <TextField
          id="qr-pin"
          label="PIN"
          hint="4 to 8 digits."
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          value={pin}
          onValueChange={(v) => setPin(v.replace(/\D/g, ''))}
          error={pinError}
          className="tracking-[0.4em]"
        />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" size="lg" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </Button>
          <Button variant="secondary" size="lg" onClick={() => reset(null)}>
            Scan another code
          </Button>
        </div>
      </form>
    );
  }

  return (
    <div className="space-y-8">
      {alert ? <FormAlert>{alert}</FormAlert> : null}
      {busy ? <FormAlert tone="info">QR code read. Signing you in…</FormAlert> : null}
      <QrScanner onDecode={(text) => void handleCode(text)} active={!busy && !qr} />

      <section
        ref={fallbackRef}
        aria-labelledby="qr-fallback-title"
        className="rounded-2xl border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="qr-fallback-title" className="text-lg font-semibold">
          No camera? Two other ways
        </h2>
        <form noValidate onSubmit={onPaste} className="mt-4 space-y-3">
          <TextField
            id="qr-paste"
            label="Paste the text of the QR code"
            hint="A phone’s camera app can read the code and copy its text."
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            value={pasted}
            onValueChange={setPasted}
            error={pasteError}
          />
          <Button type="submit" variant="secondary" disabled={busy}>
            Sign in with this code
          </Button>
        </form>
        <div className="mt-6">
          <label htmlFor="qr-image" className={labelClasses}>
            Or choose a photo of the QR code
          </label>
          <p id="qr-image-hint" className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            PNG, JPEG or WebP. The picture is read on your device and never uploaded.
          </p>
          <input
            id="qr-image"
            type="file"
            accept="image/png,image/jpeg,image/webp,image/gif"
            aria-describedby={imageError ? 'qr-image-hint qr-image-error' : 'qr-image-hint'}
            aria-invalid={imageError ? true : undefined}
            disabled={busy || decodingImage}
            onChange={(e) => void onImage(e)}
            className="mt-2 block w-full text-sm text-slate-900 file:mr-3 file:min-h-11 file:rounded-lg file:border-0 file:bg-teal-700 file:px-4 file:font-semibold file:text-white hover:file:bg-teal-800 dark:text-slate-100 dark:file:bg-teal-400 dark:file:text-slate-950"
          />
          {decodingImage ? (
            <p role="status" className="mt-1 text-sm">
              Reading the picture…
            </p>
          ) : null}
          {imageError ? (
            <p id="qr-image-error" role="alert" className="mt-1 text-sm font-medium text-red-800 dark:text-red-300">
              {imageError}
            </p>
          ) : null}
        </div>
      </section>
    </div>
  );
}
