import { PageContainer } from '@/components/layouts/root-layout';
import { DocumentTitle } from '@/components/ui/document-title';
import { PageHeader } from '@/components/ui/page-header';
import { RequireSignIn } from '@/features/auth/components/require-sign-in';
import { DeleteReadings, ImportPanel, SensorOverview } from '@/features/sensors';

export function Component() {
  return (
    <PageContainer>
      <DocumentTitle title="Sensors" />
      <PageHeader
        title="Sensors"
        description="Readings from your wearables. With your permission (on your medical card), recent readings give the assistant context."
      />
      <RequireSignIn what="your readings">
        <div className="space-y-8">
          <SensorOverview />
          <div className="grid gap-6 lg:grid-cols-2">
            <ImportPanel />
            <DeleteReadings />
          </div>
        </div>
      </RequireSignIn>
    </PageContainer>
  );
}
