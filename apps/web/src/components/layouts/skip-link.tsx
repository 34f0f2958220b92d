/** The first focusable element of every page: jumps past the header to `<main id="main">`. */
export function SkipLink({ targetId = 'main' }: { targetId?: string }) {
  return (
    <a
      href={`#${targetId}`}
      className="sr-only focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50 focus:rounded-lg focus:bg-white focus:px-4 focus:py-3 focus:font-semibold focus:text-teal-900 focus:shadow-lg dark:focus:bg-slate-900 dark:focus:text-teal-200"
      onClick={(event) => {
        // Move focus too, not only the scroll position, so the next Tab continues from the content.
        const target = document.getElementById(targetId);
        if (target) {
          event.preventDefault();
          target.focus();
          target.scrollIntoView();
        }
      }}
    >
      Skip to content
    </a>
  );
}
