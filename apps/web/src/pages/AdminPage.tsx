// Admin: clusters (list, connect a Proxmox VE cluster), users, API tokens, retention, the chosen cluster's link thresholds.
import { UsersPanel } from '../components/admin/UsersPanel';
import { TokensPanel } from '../components/admin/TokensPanel';
import { RetentionPanel } from '../components/admin/RetentionPanel';
import { LinkThresholdsPanel } from '../components/admin/LinkThresholdsPanel';
import { ClustersPanel } from '../components/admin/ClustersPanel';

export default function AdminPage() {
  return (
    <div className="flex flex-col gap-3 sm:gap-4" data-testid="admin-page">
      <h2 className="sr-only">Administration</h2>
      <ClustersPanel />
      <div className="grid grid-cols-1 gap-3 sm:gap-4 xl:grid-cols-2">
        <UsersPanel />
        <TokensPanel />
      </div>
      <div className="grid grid-cols-1 gap-3 sm:gap-4 xl:grid-cols-2">
        <RetentionPanel />
        <LinkThresholdsPanel />
      </div>
    </div>
  );
}
