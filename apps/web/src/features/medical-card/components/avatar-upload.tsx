import { useEffect, useState, type ChangeEvent } from 'react';
import type { User } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { labelClasses } from '@/components/ui/form';
import { describeError } from '@/lib/form';
import { AVATAR_MAX_BYTES, AVATAR_TYPES, useDeleteAvatar, useUploadAvatar } from '../api/upload-avatar';

const MB = 1024 * 1024;

/** Profile picture: pick, preview, upload (the server re-encodes it and strips metadata), remove. */
export function AvatarUpload({ user }: { user: User }) {
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const upload = useUploadAvatar();
  const remove = useDeleteAvatar();

  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const onChoose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0] ?? null;
    event.target.value = '';
    setMessage(null);
    setError(null);
    if (!chosen) return;
    if (!(AVATAR_TYPES as readonly string[]).includes(chosen.type)) {
      setError('Choose a PNG, JPEG or WebP picture.');
      return;
    }
    if (chosen.size > AVATAR_MAX_BYTES) {
      setError(`That picture is ${(chosen.size / MB).toFixed(1)} MB; the limit is ${AVATAR_MAX_BYTES / MB} MB.`);
      return;
    }
    setFile(chosen);
  };

  const onUpload = () => {
    if (!file) return;
    upload.mutate(file, {
      onSuccess: () => {
        setFile(null);
        setMessage('Profile picture updated.');
      },
      onError: (e) => setError(describeError(e)),
    });
  };

  const shown = preview ?? user.avatarUrl;
  return (
    <div className="flex flex-wrap items-center gap-5">
      <div className="size-24 shrink-0 overflow-hidden rounded-full border-2 border-slate-200 bg-slate-100 dark:border-slate-700 dark:bg-slate-800">
        {shown ? (
          <img
            src={shown}
            alt={preview ? 'Preview of your new profile picture' : 'Your profile picture'}
            className="size-full object-cover"
          />
        ) : (
          <span className="flex size-full items-center justify-center text-sm text-slate-600 dark:text-slate-300">
            No picture
          </span>
        )}
      </div>
      <div className="min-w-0 flex-1 space-y-2">
        {file ? (
          <div className="flex flex-wrap gap-2">
            <Button onClick={onUpload} disabled={upload.isPending}>
              {upload.isPending ? 'Uploading…' : 'Use this picture'}
            </Button>
            <Button variant="secondary" onClick={() => setFile(null)} disabled={upload.isPending}>
              Cancel
            </Button>
          </div>
        ) : (
          <div>
            <label htmlFor="avatar-file" className={labelClasses}>
              {user.avatarUrl ? 'Change your profile picture' : 'Add a profile picture'}
            </label>
            <p id="avatar-file-hint" className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              PNG, JPEG or WebP, up to {AVATAR_MAX_BYTES / MB} MB. You see a preview before it is uploaded.
            </p>
            <input
              id="avatar-file"
              type="file"
              accept={AVATAR_TYPES.join(',')}
              aria-describedby={error ? 'avatar-file-hint avatar-error' : 'avatar-file-hint'}
              aria-invalid={error ? true : undefined}
              onChange={onChoose}
              className="mt-2 block w-full text-sm text-slate-900 file:mr-3 file:min-h-11 file:rounded-lg file:border file:border-slate-400 file:bg-white file:px-4 file:font-semibold file:text-slate-900 hover:file:bg-slate-100 dark:text-slate-100 dark:file:border-slate-500 dark:file:bg-slate-900 dark:file:text-slate-100"
            />
          </div>
        )}
        {user.avatarUrl && !file ? (
          <Button
            variant="ghost"
            className="text-red-800 dark:text-red-300"
            disabled={remove.isPending}
            onClick={() =>
              remove.mutate(undefined, {
                onSuccess: () => setMessage('Profile picture removed.'),
                onError: (e) => setError(describeError(e)),
              })
            }
          >
            Remove picture
          </Button>
        ) : null}
        {error ? (
          <p id="avatar-error" role="alert" className="text-sm font-medium text-red-800 dark:text-red-300">
            {error}
          </p>
        ) : null}
        <p role="status" className="text-sm text-teal-800 dark:text-teal-300">
          {message}
        </p>
      </div>
    </div>
  );
}
