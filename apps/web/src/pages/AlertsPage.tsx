// Alerts (issue 14): what is alerting now (everyone; operators acknowledge), the channels and the dead-man's
// switch (admin), silences (operators add and end them) and the delivery log (operator). The BFF refuses the rest by role anyway.
import { roleAtLeast } from '../api/types';
import { useRole } from '../auth/session';
import { useSelection } from '../lib/selection';
import { ChannelsPanel } from '../components/alerts/ChannelsPanel';
import { DeadmanPanel } from '../components/alerts/DeadmanPanel';
import { DeliveryLog } from '../components/alerts/DeliveryLog';
import { OpenAlertsPanel } from '../components/alerts/OpenAlertsPanel';
import { SilencesPanel } from '../components/alerts/SilencesPanel';

export default function AlertsPage() {
  const role = useRole();
  const { clusters } = useSelection();
  const clusterName = (id: string) => clusters.find((c) => c.id === id)?.name ?? id;
  return (
    <div className="flex flex-col gap-3 sm:gap-4" data-testid="alerts-page">
      <h2 className="sr-only">Alerts</h2>
      <OpenAlertsPanel clusterName={clusterName} />
      {roleAtLeast(role, 'admin') && <ChannelsPanel />}
      {roleAtLeast(role, 'admin') && <DeadmanPanel />}
      <SilencesPanel clusterName={clusterName} />
      {roleAtLeast(role, 'operator') && <DeliveryLog />}
    </div>
  );
}
