import { request } from '../attribution/api.js';
import type { ExperimentReport, ExperimentView, Insights } from './types.js';

export const experimentUrls = {
  list: () => '/v1/experiments',
  report: (id: string) => `/v1/experiments/${encodeURIComponent(id)}/report`,
  insights: () => '/v1/insights',
};

export const fetchExperiments = (f: typeof fetch, key: string) => request<{ experiments: ExperimentView[] }>(f, key, experimentUrls.list());
export const fetchExperimentReport = (f: typeof fetch, key: string, id: string) => request<ExperimentReport>(f, key, experimentUrls.report(id));
export const fetchInsights = (f: typeof fetch, key: string) => request<Insights>(f, key, experimentUrls.insights());
