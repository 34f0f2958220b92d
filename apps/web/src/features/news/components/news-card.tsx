import { Panel } from '@/components/ui/panel';
import { ComingSoon } from '@/components/ui/coming-soon';
import { NewsIcon } from '@/components/ui/icons';

/** Health news for the sidebar, from GET /api/news. */
export function NewsCard({ className }: { className?: string }) {
  return (
    <Panel title="Health news" icon={<NewsIcon />} className={className}>
      <ComingSoon
        icon={<NewsIcon className="size-6" />}
        title="Short health stories from trusted sources."
        status="Coming soon: the news feed."
      />
    </Panel>
  );
}
