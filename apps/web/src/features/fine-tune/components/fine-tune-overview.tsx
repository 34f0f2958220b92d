import { Panel } from '@/components/ui/panel';
import { ComingSoon } from '@/components/ui/coming-soon';
import { ChartIcon, SlidersIcon } from '@/components/ui/icons';

/** Admin: start a fine-tune job and follow its progress and loss curve live. */
export function FineTuneOverview() {
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Panel title="New fine-tune job" icon={<SlidersIcon />}>
        <ComingSoon
          icon={<SlidersIcon className="size-6" />}
          title="Pick a base model and a dataset, then start a background job."
          status="Coming soon: starting fine-tune jobs."
        />
      </Panel>
      <Panel title="Progress and loss" icon={<ChartIcon />}>
        <ComingSoon
          icon={<ChartIcon className="size-6" />}
          title="Live progress, metrics and a loss chart for the running job."
          status="Coming soon: live job progress."
        />
      </Panel>
    </div>
  );
}
