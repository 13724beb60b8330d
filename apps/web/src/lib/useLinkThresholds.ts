// The chosen cluster's link thresholds (GET /api/v1/settings/links), asked once per cluster and kept: the
// matrix colours by them, the chart draws them; the admin form puts its answer into the same cache entry.
// The defaults until they arrive, for `?sample=` pages and when they cannot be had.
import { skipToken, useQuery } from '@tanstack/react-query';
import { retryUnlessClientError } from '../api/http';
import { queryKeys } from '../api/keys';
import { DEFAULT_LINK_THRESHOLDS, fetchLinkSettings, type LinkThresholds } from '../api/links';

export function useLinkThresholds(clusterId: string | null): LinkThresholds {
  const q = useQuery({
    queryKey: queryKeys.linkSettings(clusterId ?? ''),
    queryFn: clusterId ? () => fetchLinkSettings(clusterId) : skipToken,
    staleTime: 5 * 60_000,
    retry: retryUnlessClientError(3),
  });
  return q.data?.thresholds ?? DEFAULT_LINK_THRESHOLDS;
}
