// Alerting (issue 14): channels (admin; secret fields answered as "(set)"), their test button, the delivery
// log and silences (operator), what is alerting now and its acknowledgement (viewer reads, operator acks), the
// channels' names for the log's filter (operator) and the dead-man's switch (admin; its URL is never answered).
// Types only from the model (its zod schemas stay out of the page: components/alerts/channel-rules.ts).
import type { Alert, ChannelInput, ChannelType, ChannelView, DeadmanInput, DeadmanView, Delivery, DeliveryOutcome, DeliveryPage, RuleId, SilenceView } from '@quorate/model';
import { query, request } from './http';

export type { Alert, ChannelInput, ChannelType, ChannelView, DeadmanInput, DeadmanView, Delivery, DeliveryOutcome, DeliveryPage, RuleId, RuleSettings, SilenceView } from '@quorate/model';

/** who acknowledged an open alert, and when (the first acknowledgement wins) */
export interface Acknowledgement {
  key: string;
  by: string;
  at: number;
}
/** GET /alerts/open: an alert open now, with its acknowledgement */
export type OpenAlert = Alert & { acknowledged: Acknowledgement | null };

export interface DeliveryFilter {
  channel?: string;
  outcome?: DeliveryOutcome;
  limit: number;
  offset: number;
}

/** POST /alerts/silences: for `hours` from now, or a window (ms since the epoch) */
export type SilenceRequest = { cluster?: string | null; rule?: RuleId | null; reason: string } & ({ hours: number } | { startsAt?: number; endsAt: number });

/** the page's TanStack Query keys for alerting (the same shape rules as api/keys.ts) */
export const alertKeys = {
  /** GET /alerts/channels (admin) */
  channels: ['alert-channels'] as const,
  /** GET /alerts/channel-names (operator); under `channels`, so a channel saved or deleted refreshes it too */
  channelNames: ['alert-channels', 'names'] as const,
  /** every page of the delivery log (to refresh them all after a test) */
  deliveriesAll: ['alert-deliveries'] as const,
  deliveries: (filter: DeliveryFilter) => ['alert-deliveries', filter] as const,
  silences: ['alert-silences'] as const,
  open: ['alerts-open'] as const,
  /** GET /alerts/deadman (admin) */
  deadman: ['alert-deadman'] as const,
};

/** GET /alerts/channel-names: a channel's id, name and type (no config), for the delivery log's filter */
export interface ChannelName {
  id: string;
  name: string;
  type: ChannelType;
}

const channelUrl = (id: string) => `/api/v1/alerts/channels/${encodeURIComponent(id)}`;

export const fetchChannels = () => request<{ channels: ChannelView[] }>('/api/v1/alerts/channels');
export const createChannel = (c: ChannelInput) => request<{ channel: ChannelView }>('/api/v1/alerts/channels', { method: 'POST', body: c });
/** a secret field sent as "(set)" keeps the stored secret */
export const updateChannel = (id: string, c: ChannelInput) => request<{ channel: ChannelView }>(channelUrl(id), { method: 'PUT', body: c });
export const deleteChannel = (id: string) => request<null>(channelUrl(id), { method: 'DELETE' });
export const testChannel = (id: string) => request<{ delivery: Delivery }>(`${channelUrl(id)}/test`, { method: 'POST' });

export const fetchChannelNames = () => request<{ channels: ChannelName[] }>('/api/v1/alerts/channel-names');

export const fetchDeliveries = (f: DeliveryFilter) => request<DeliveryPage>(`/api/v1/alerts/deliveries${query({ ...f })}`);

export const fetchSilences = () => request<{ silences: SilenceView[] }>('/api/v1/alerts/silences');
export const createSilence = (s: SilenceRequest) => request<{ silence: SilenceView }>('/api/v1/alerts/silences', { method: 'POST', body: s });
export const endSilence = (id: string) => request<null>(`/api/v1/alerts/silences/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const fetchOpenAlerts = () => request<{ alerts: OpenAlert[] }>('/api/v1/alerts/open');
export const acknowledgeAlert = (key: string) => request<{ ack: Acknowledgement }>('/api/v1/alerts/ack', { method: 'POST', body: { key } });

/** the dead-man's switch: on or off, the origin it pings (never the URL: it holds the check's key), the last ping */
export const fetchDeadman = () => request<DeadmanView>('/api/v1/alerts/deadman');
/** set it (the BFF pings at once and answers with that ping) */
export const setDeadman = (d: DeadmanInput) => request<DeadmanView>('/api/v1/alerts/deadman', { method: 'PUT', body: d });
export const clearDeadman = () => request<null>('/api/v1/alerts/deadman', { method: 'DELETE' });
