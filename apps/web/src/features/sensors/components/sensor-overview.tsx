import { Panel } from '@/components/ui/panel';
import { ComingSoon } from '@/components/ui/coming-soon';
import { ChartIcon } from '@/components/ui/icons';

const KINDS = ['Heart rate', 'Blood pressure', 'Blood oxygen', 'Steps and sleep'] as const;

/** Charts of wearable readings; with permission they give the assistant context. */
export function SensorOverview() {
  return (
    <div className="grid gap-6 sm:grid-cols-2">
      {KINDS.map((kind) => (
        <Panel key={kind} title={kind} icon={<ChartIcon />}>
          <ComingSoon title={`A chart of your ${kind.toLowerCase()} readings.`} status="Coming soon: sensor charts." />
        </Panel>
      ))}
    </div>
  );
}
