// Admin: users, API tokens, retention settings. History and audit pages.
import { query, request } from './http';
import type { AuditPage, AuditResult, CreatedToken, HistoryPage, RetentionSettings, RetentionUpdate, Role, TokenRecord, UserRecord } from './types';

export const fetchUsers = () => request<{ users: UserRecord[] }>('/api/v1/users');
export const createUser = (u: { username: string; password: string; role: Role }) =>
  request<unknown>('/api/v1/users', { method: 'POST', body: u });
export const updateUser = (id: string, patch: { role?: Role; password?: string }) =>
  request<unknown>(`/api/v1/users/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch });
export const deleteUser = (id: string) => request<null>(`/api/v1/users/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const fetchTokens = () => request<{ tokens: TokenRecord[] }>('/api/v1/tokens');
export const createToken = (t: { name: string; role: Role }) => request<CreatedToken>('/api/v1/tokens', { method: 'POST', body: t });
export const revokeToken = (id: string) => request<null>(`/api/v1/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });

export const fetchRetention = () => request<RetentionSettings>('/api/v1/settings/retention');
export const saveRetention = (r: RetentionUpdate) => request<RetentionSettings>('/api/v1/settings/retention', { method: 'PUT', body: r });

export interface HistoryFilter {
  cluster: string;
  type?: string;
  severity?: string;
  /** only events before this time (ms since the epoch) */
  before?: number;
  /** only events at or after this time (ms since the epoch) */
  after?: number;
  limit: number;
  offset: number;
}
export const fetchHistory = (f: HistoryFilter) => request<HistoryPage>(`/api/v1/history${query({ ...f })}`);

export interface AuditFilter {
  cluster?: string;
  operation?: string;
  result?: AuditResult;
  limit: number;
  offset: number;
}
export const fetchAudit = (f: AuditFilter) => request<AuditPage>(`/api/v1/audit${query({ ...f })}`);
