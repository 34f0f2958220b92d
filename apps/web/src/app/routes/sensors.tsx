import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { SensorOverview } from '@/features/sensors/components/sensor-overview';

export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Sensors" />
      <PageHeader
        title="Sensors"
        description="Readings from your wearables. With your permission, recent readings give the assistant context."
      />
      <SensorOverview />
    </PageContainer>
  );
}
