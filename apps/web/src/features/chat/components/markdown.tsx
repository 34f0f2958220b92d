/**
 * Markdown from the assistant, rendered safely with react-markdown: it builds React elements (never
 * innerHTML), raw HTML in the text is dropped (`skipHtml`), link targets pass react-markdown's URL
 * filter (http, https, mailto, tel…; `javascript:` and friends are removed), and images are not
 * loaded (a reply must not make the browser fetch third-party URLs); their alt text stays.
 * Headings become bold paragraphs so a reply cannot disturb the page's heading outline.
 */
import { memo, type ComponentPropsWithoutRef } from 'react';
import Markdown, { defaultUrlTransform, type Components } from 'react-markdown';
import { cn } from '@/lib/cn';

const heading = ({ children }: ComponentPropsWithoutRef<'h1'>) => <p className="font-semibold">{children}</p>;

const components: Components = {
  h1: heading,
  h2: heading,
  h3: heading,
  h4: heading,
  h5: heading,
  h6: heading,
  p: ({ children }) => <p>{children}</p>,
  a: ({ href, children }) => (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer nofollow"
      className="font-medium text-teal-800 underline underline-offset-2 dark:text-teal-300"
    >
      {children}
    </a>
  ),
  ul: ({ children }) => <ul className="list-disc space-y-1 pl-5">{children}</ul>,
  ol: ({ children }) => <ol className="list-decimal space-y-1 pl-5">{children}</ol>,
  blockquote: ({ children }) => (
    <blockquote className="border-l-4 border-slate-300 pl-3 text-slate-700 dark:border-slate-600 dark:text-slate-300">
      {children}
    </blockquote>
  ),
  code: ({ children, className }) => (
    <code className={cn('rounded bg-slate-200/70 px-1 py-0.5 font-mono text-[0.9em] dark:bg-slate-950/60', className)}>
      {children}
    </code>
  ),
  pre: ({ children }) => (
    <pre className="overflow-x-auto rounded-lg bg-slate-200/70 p-3 font-mono text-sm dark:bg-slate-950/60 [&_code]:bg-transparent [&_code]:p-0">
      {children}
    </pre>
  ),
  hr: () => <hr className="border-slate-300 dark:border-slate-600" />,
  img: ({ alt }) => (alt ? <span>[{alt}]</span> : null),
};

/** Only http(s), mailto and tel links survive; anything else becomes an empty (inert) href. */
function urlTransform(url: string): string {
  const safe = defaultUrlTransform(url);
  return /^(https?:|mailto:|tel:|#)/i.test(safe) ? safe : '';
}

export const MarkdownText = memo(function MarkdownText({ children }: { children: string }) {
  return (
    <div className="space-y-2 break-words">
      <Markdown components={components} skipHtml urlTransform={urlTransform}>
        {children}
      </Markdown>
    </div>
  );
});
