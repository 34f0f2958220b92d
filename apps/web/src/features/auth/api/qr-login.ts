import { useMutation } from '@tanstack/react-query';
import { qrLoginSchema, sessionSchema, type QrLoginInput, type Session } from '@medichat/shared';
import { signInClient, startSession } from '@/lib/session';

/**
 * `POST /api/auth/qr-login`: exactly the string the QR encodes. For an account with a PIN the
 * first try answers 401 `pin_required`; ask for the PIN and send both.
 */
export { qrLoginSchema };

export function qrLogin(input: QrLoginInput): Promise<Session> {
  return signInClient.post('/api/auth/qr-login', input, {}, sessionSchema);
}

export function useQrLogin() {
  return useMutation({ mutationFn: qrLogin, onSuccess: (session) => startSession(session) });
}
