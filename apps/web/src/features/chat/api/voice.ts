/** Voice: `POST /api/messages/voice` (a recording in, transcript + reply + spoken reply out), read-aloud, capabilities. */
import { speechCapabilitiesSchema, voiceReplySchema, type SpeechCapabilities, type VoiceReply } from '@medichat/shared';
import { api } from '@/lib/api-client';

export function sendVoice(chatId: string, audio: Blob, clientId: string, signal?: AbortSignal): Promise<VoiceReply> {
  const form = new FormData();
  form.append('chatId', chatId);
  form.append('clientId', clientId);
  const ext = audio.type.includes('ogg') ? 'ogg' : audio.type.includes('wav') ? 'wav' : 'webm';
  form.append('audio', audio, `question.${ext}`);
  return api.post('/api/messages/voice', form, { signal }, voiceReplySchema);
}

/** The message read aloud by the server's TTS (a WAV blob); a 503 ApiError when it has none. */
export function fetchSpeech(messageId: string, signal?: AbortSignal): Promise<Blob> {
  return api.post<Blob>(`/api/messages/${encodeURIComponent(messageId)}/speech`, undefined, { signal });
}

export function getSpeechCapabilities(): Promise<SpeechCapabilities> {
  return api.get('/api/speech', {}, speechCapabilitiesSchema);
}
