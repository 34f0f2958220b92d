import { useId, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { MESSAGE_MAX_CHARS } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { controlClasses } from '@/components/ui/form';
import { cn } from '@/lib/cn';

interface ComposerProps {
  onSend: (text: string) => void;
  /** A reply is being generated: offer to stop it. */
  onStop?: () => void;
  disabled?: boolean;
  hint?: string;
  /** Text to start with (a question typed on the landing page). */
  initialText?: string;
  /** More controls beside Send (the microphone). */
  extra?: ReactNode;
}

/** Enter sends, Shift+Enter starts a new line (and Enter while composing with an IME does neither). */
export function Composer({ onSend, onStop, disabled = false, hint, initialText, extra }: ComposerProps) {
  const [text, setText] = useState(initialText ?? '');
  const field = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const hintId = `${id}-hint`;
  const tooLong = text.length > MESSAGE_MAX_CHARS;
  const canSend = !disabled && text.trim().length > 0 && !tooLong;

  const submit = () => {
    if (!canSend) return;
    onSend(text);
    setText('');
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  return (
    <form onSubmit={onSubmit} className="shrink-0 border-t border-slate-200 pt-3 dark:border-slate-800">
      <label htmlFor={id} className="sr-only">
        Message to the assistant
      </label>
      {/* On a phone the buttons sit under the box beside the hint, so the placeholder has the full width. */}
      <div className="flex flex-wrap items-end gap-2">
        <textarea
          ref={field}
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          rows={2}
          autoFocus={Boolean(initialText)}
          disabled={disabled}
          aria-describedby={hintId}
          aria-invalid={tooLong || undefined}
          placeholder="Describe what is going on…"
          className={cn(
            controlClasses,
            'max-h-48 min-h-12 w-full min-w-0 flex-1 basis-full resize-y sm:basis-0',
            tooLong ? 'border-red-700 dark:border-red-400' : 'border-slate-500 dark:border-slate-400',
          )}
        />
        <p
          id={hintId}
          className="order-last min-w-0 flex-1 basis-full text-xs text-slate-600 max-sm:order-none max-sm:basis-0 max-sm:self-center sm:-mt-0.5 dark:text-slate-400"
        >
          {tooLong
            ? `Too long: ${text.length} of ${MESSAGE_MAX_CHARS} characters.`
            : (hint ?? 'Enter to send, Shift+Enter for a new line.')}
        </p>
        {onStop ? (
          <Button
            variant="danger"
            onClick={() => {
              onStop();
              // The button goes away once the reply stops: keep focus where the person writes.
              field.current?.focus();
            }}
          >
            Stop
          </Button>
        ) : null}
        {extra}
        <Button type="submit" disabled={!canSend}>
          Send
        </Button>
      </div>
    </form>
  );
}
