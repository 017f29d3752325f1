/** The model registry calls the UI makes. */
import { callApi } from './api-client.js';
import type { ModelVersion, Page, RegisteredModel } from './entities.js';

export async function searchRegisteredModels(pageToken?: string, signal?: AbortSignal): Promise<Page<RegisteredModel>> {
  const body = await callApi<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(
    'GET',
    'registered-models/search',
    { max_results: 100, page_token: pageToken },
    signal,
  );
  return { items: body.registered_models ?? [], nextPageToken: body.next_page_token || undefined };
}

export async function getRegisteredModel(name: string, signal?: AbortSignal): Promise<RegisteredModel> {
  return (await callApi<{ registered_model: RegisteredModel }>('GET', 'registered-models/get', { name }, signal)).registered_model;
}

/** Every version of a model, newest first (all pages). */
export async function allModelVersions(name: string, signal?: AbortSignal): Promise<ModelVersion[]> {
  const versions: ModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const body = await callApi<{ model_versions?: ModelVersion[]; next_page_token?: string }>(
      'GET',
      'model-versions/search',
      { filter: `name = '${name.replaceAll("'", "\\'")}'`, max_results: 200, page_token: pageToken },
      signal,
    );
    versions.push(...(body.model_versions ?? []));
    pageToken = body.next_page_token || undefined;
  } while (pageToken);
  return versions.sort((a, b) => Number(b.version) - Number(a.version));
}

/** Points `alias` at `version`: sets a new alias or moves an existing one. */
export async function setAlias(name: string, alias: string, version: string): Promise<void> {
  await callApi('POST', 'registered-models/alias', { name, alias, version });
}

export async function deleteAlias(name: string, alias: string): Promise<void> {
  await callApi('DELETE', 'registered-models/alias', { name, alias });
}

export async function setModelTag(name: string, key: string, value: string): Promise<void> {
  await callApi('POST', 'registered-models/set-tag', { name, key, value });
}

export async function deleteModelTag(name: string, key: string): Promise<void> {
  await callApi('DELETE', 'registered-models/delete-tag', { name, key });
}
