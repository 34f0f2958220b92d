import { useEffect } from 'react';
import { env } from '@/config/env';

/**
 * Sets the tab title for the page that renders it. (Not React 19's hoisted `<title>`: index.html
 * already has one, and the browser would keep showing the first.)
 */
export function DocumentTitle({ title }: { title?: string }) {
  useEffect(() => {
    document.title = title ? `${title} · ${env.appName}` : `${env.appName}: a careful health assistant`;
  }, [title]);
  return null;
}
