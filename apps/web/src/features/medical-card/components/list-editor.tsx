import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { CloseIcon } from '@/components/ui/icons';

interface ListEditorProps<T extends { key: string }> {
  /** Singular, lower case: "allergy" → legends "Allergy 1", buttons "Add an allergy". */
  itemName: string;
  addLabel: string;
  items: T[];
  max: number;
  emptyText: string;
  onAdd: () => void;
  onRemove: (index: number) => void;
  renderItem: (item: T, index: number) => ReactNode;
  error?: string;
  errorId?: string;
}

/**
 * An editable list: each row a `<fieldset>` with a numbered legend and its own remove button. Adding
 * a row moves focus to its first field; removing one moves focus to the add button.
 */
export function ListEditor<T extends { key: string }>({
  itemName,
  addLabel,
  items,
  max,
  emptyText,
  onAdd,
  onRemove,
  renderItem,
  error,
  errorId,
}: ListEditorProps<T>) {
  const listRef = useRef<HTMLOListElement>(null);
  const addRef = useRef<HTMLButtonElement>(null);
  const focusAfter = useRef<'last' | 'add' | null>(null);
  const title = itemName[0]!.toUpperCase() + itemName.slice(1);

  useEffect(() => {
    if (focusAfter.current === 'last') {
      const rows = listRef.current?.querySelectorAll('li');
      rows?.[rows.length - 1]?.querySelector<HTMLElement>('input, select, textarea')?.focus();
    } else if (focusAfter.current === 'add') {
      addRef.current?.focus();
    }
    focusAfter.current = null;
  }, [items.length]);

  return (
    <div>
      {items.length === 0 ? <p className="text-slate-700 dark:text-slate-300">{emptyText}</p> : null}
      <ol ref={listRef} className="space-y-4">
        {items.map((item, index) => (
          <li key={item.key}>
            <fieldset className="rounded-xl border border-slate-300 p-4 dark:border-slate-700">
              <legend className="px-1 text-sm font-semibold text-slate-800 dark:text-slate-200">
                {title} {index + 1}
              </legend>
              <div className="grid gap-4 sm:grid-cols-2">{renderItem(item, index)}</div>
              <Button
                variant="ghost"
                className="mt-3 text-red-800 dark:text-red-300"
                onClick={() => {
                  focusAfter.current = 'add';
                  onRemove(index);
                }}
              >
                <CloseIcon className="size-4" />
                Remove {itemName} {index + 1}
              </Button>
            </fieldset>
          </li>
        ))}
      </ol>
      {error ? (
        <p id={errorId} className="mt-2 text-sm font-medium text-red-800 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <Button
        ref={addRef}
        variant="secondary"
        className="mt-4"
        disabled={items.length >= max}
        onClick={() => {
          focusAfter.current = 'last';
          onAdd();
        }}
      >
        + {addLabel}
      </Button>
    </div>
  );
}
