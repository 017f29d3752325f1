/** The tracking calls the UI makes. */
import { callApi } from './api-client.js';
import type { Experiment, Page, Run } from './entities.js';

export async function searchExperiments(pageToken?: string, signal?: AbortSignal): Promise<Page<Experiment>> {
  const body = await callApi<{ experiments?: Experiment[]; next_page_token?: string }>(
    'POST',
    'experiments/search',
    { max_results: 100, page_token: pageToken, order_by: ['creation_time DESC'] },
    signal,
  );
  return { items: body.experiments ?? [], nextPageToken: body.next_page_token || undefined };
}

export async function getExperiment(experimentId: string, signal?: AbortSignal): Promise<Experiment> {
  return (await callApi<{ experiment: Experiment }>('GET', 'experiments/get', { experiment_id: experimentId }, signal)).experiment;
}

export interface RunQuery {
  experimentId: string;
  filter: string;
  orderBy: string;
}

export async function searchRuns(query: RunQuery, maxResults: number, pageToken?: string, signal?: AbortSignal): Promise<Page<Run>> {
  const body = await callApi<{ runs?: Run[]; next_page_token?: string }>(
    'POST',
    'runs/search',
    {
      experiment_ids: [query.experimentId],
      filter: query.filter || undefined,
      order_by: query.orderBy ? [query.orderBy] : undefined,
      max_results: maxResults,
      page_token: pageToken,
    },
    signal,
  );
  return { items: body.runs ?? [], nextPageToken: body.next_page_token || undefined };
}

export async function getRun(runId: string, signal?: AbortSignal): Promise<Run> {
  return (await callApi<{ run: Run }>('GET', 'runs/get', { run_id: runId }, signal)).run;
}
