/**
 * The web UI against a server with authentication on (`aviary server --auth`), in Debian's
 * Chromium: the login page (wrong password, then the page asked for), the header's user and
 * sign-out, alias controls only for a user with MANAGE on the model, and an access token made
 * on the tokens page that then works as `Authorization: Bearer` against the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, screenshot, type Browser } from './browser.js';
import { startUiServer, type UiServer } from './ui-server.js';

const ADMIN = { username: 'admin', password: 'admin-password-1234' };
const READER = { username: 'reader', password: 'reader-password-1234' };
const MANAGER = { username: 'manager', password: 'manager-password-1234' };
const MODEL = 'guarded-model';

let server: UiServer;
let runId: string;
const DOT_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="4"><rect width="8" height="4" fill="red"/></svg>';
let browser: Browser;

const basic = (user: { username: string; password: string }) => `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;

/** A REST call as `authorization`; a non-2xx answer fails with the server's message. */
async function call<T>(authorization: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', endpoint: string, body?: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${server.url}${endpoint}`, {
    method,
    headers: { Authorization: authorization, ...(body && { 'Content-Type': 'application/json' }) },
    body: body && JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${endpoint}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

const asAdmin = <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', endpoint: string, body?: Record<string, unknown>) => call<T>(basic(ADMIN), method, `/api/2.0/mlflow/${endpoint}`, body);

beforeAll(async () => {
  server = await startUiServer({ auth: { adminUsername: ADMIN.username, adminPassword: ADMIN.password } });
  await asAdmin('POST', 'experiments/create', { name: 'auth-ui-experiment' });
  const { run } = await asAdmin<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', 'runs/create', { experiment_id: '0' });
  runId = run.info.run_id;
  const artifactRoot = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '');
  for (const [path, body] of [['plots/dot.svg', DOT_SVG], ['notes.txt', 'seen through the session']]) {
    const put = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/${artifactRoot}/${path}`, { method: 'PUT', headers: { Authorization: basic(ADMIN) }, body });
    expect(put.status).toBe(200);
  }
  await asAdmin('POST', 'registered-models/create', { name: MODEL });
  for (let i = 0; i < 2; i++) await asAdmin('POST', 'model-versions/create', { name: MODEL, source: `runs:/${run.info.run_id}/model`, run_id: run.info.run_id });
  await asAdmin('POST', 'registered-models/alias', { name: MODEL, alias: 'champion', version: '1' });
  for (const [user, permission] of [[READER, 'READ'], [MANAGER, 'MANAGE']] as const) {
    await asAdmin('POST', 'users/create', { username: user.username, password: user.password });
    await asAdmin('POST', 'registered-models/permissions/create', { name: MODEL, username: user.username, permission });
  }
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** Console errors other than the 401s a signed-out page meets by design. */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of 401/.test(e));

async function signIn(page: Page, user: { username: string; password: string }): Promise<void> {
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('web UI with authentication on', () => {
  it('sends a visitor to the login page, shows a wrong password as an error, then signs in to the page asked for', async () => {
    const { page, errors } = await browser.open();
    let nativeDialog = false;
    page.on('dialog', () => (nativeDialog = true));
    await page.goto(`${server.url}/experiments`);
    await page.waitForURL(`${server.url}/login?next=%2Fexperiments`);
    await signIn(page, { username: ADMIN.username, password: 'not-the-password' });
    await page.getByTestId('error').waitFor();
    expect(await page.getByTestId('error').textContent()).toMatch(/UNAUTHENTICATED \(401\)/);
    expect(page.url()).toBe(`${server.url}/login?next=%2Fexperiments`);
    await screenshot(page, 'login-wrong-password');

    await signIn(page, ADMIN);
    await page.waitForURL(`${server.url}/experiments`);
    await page.locator('[data-testid=experiment-row]').filter({ hasText: 'auth-ui-experiment' }).waitFor();
    expect(await page.getByTestId('username').textContent()).toBe(ADMIN.username);
    // The credentials live in this tab's sessionStorage, never in localStorage.
    expect(await page.evaluate(() => [sessionStorage.getItem('aviary.authorization'), localStorage.length])).toEqual([basic(ADMIN), 0]);
    expect(nativeDialog).toBe(false);
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('returns to a deep link after signing in, and signing out returns to the login page for good', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/models/${MODEL}`);
    await page.waitForURL(`${server.url}/login?next=${encodeURIComponent(`/models/${MODEL}`)}`);
    await signIn(page, ADMIN);
    await page.waitForURL(`${server.url}/models/${MODEL}`);
    await page.getByTestId('alias-champion').waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/login`);
    await page.getByTestId('login-form').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('aviary.authorization'))).toBeNull();
    await page.goto(`${server.url}/models/${MODEL}`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByTestId('login-form').waitFor();
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('hides the alias controls from a READ user and shows them to a MANAGE user', async () => {
    const { page: reading, errors: readingErrors } = await browser.open();
    await reading.goto(`${server.url}/login?next=${encodeURIComponent(`/models/${MODEL}`)}`);
    await signIn(reading, READER);
    await reading.getByTestId('alias-champion').waitFor();
    expect(await reading.getByTestId('alias-champion').textContent()).toContain('@champion: Version 1');
    const aliases = reading.getByTestId('aliases');
    expect(await aliases.getByRole('button').count()).toBe(0);
    expect(await aliases.getByLabel('New alias', { exact: true }).count()).toBe(0);
    expect(await reading.getByTestId('model-tags').getByRole('button').count()).toBe(0);
    await screenshot(reading, 'model-read-only');
    expect(unexpected(readingErrors)).toEqual([]);
    await reading.close();

    const { page: managing, errors: managingErrors } = await browser.open();
    await managing.goto(`${server.url}/login?next=${encodeURIComponent(`/models/${MODEL}`)}`);
    await signIn(managing, MANAGER);
    const row = managing.getByTestId('alias-champion');
    await row.waitFor();
    await row.getByLabel('Move @champion to').selectOption('2');
    await row.getByRole('button', { name: 'Move' }).click();
    await managing.locator('[data-testid=alias-champion] .alias').filter({ hasText: '@champion: Version 2' }).waitFor();
    const model = await call<{ registered_model: { aliases: { alias: string; version: string }[] } }>(basic(ADMIN), 'GET', `/api/2.0/mlflow/registered-models/get?name=${MODEL}`);
    expect(model.registered_model.aliases).toEqual([{ alias: 'champion', version: '2' }]);
    expect(await managing.getByTestId('aliases').getByLabel('New alias', { exact: true }).count()).toBe(1);
    expect(unexpected(managingErrors)).toEqual([]);
    await managing.close();
  });

  it("previews a run's text and image artifacts, fetched with the session's credentials", async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/login?next=${encodeURIComponent(`/experiments/0/runs/${runId}`)}`);
    await signIn(page, READER);
    await page.locator('[data-testid=artifact-entry][data-path="notes.txt"] button').click();
    expect(await page.getByTestId('artifact-text').textContent()).toBe('seen through the session');
    await page.locator('[data-testid=artifact-entry][data-path="plots"] button').click();
    await page.locator('[data-testid=artifact-entry][data-path="plots/dot.svg"] button').click();
    const image = page.getByTestId('artifact-image');
    await image.waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid=artifact-image]') as HTMLImageElement | null)?.complete === true);
    expect(await image.evaluate((img: HTMLImageElement) => [img.src.startsWith('blob:'), img.naturalWidth, img.naturalHeight])).toEqual([true, 8, 4]);
    // A plain link could not carry the credentials: the download goes through a blob too.
    const download = page.waitForEvent('download');
    await page.getByTestId('artifact-download').click();
    expect((await download).suggestedFilename()).toBe('dot.svg');
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });

  it('creates an access token whose secret then works as a bearer token, and revokes it', async () => {
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/login?next=%2Ftokens`);
    await signIn(page, READER);
    await page.getByLabel('Token name').fill('ci-script');
    await page.getByLabel('Expires').selectOption('7');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('token-secret-value').textContent())!.trim();
    expect(secret.length).toBeGreaterThan(16);
    await page.locator('[data-testid=token-row]').filter({ hasText: 'ci-script' }).waitFor();
    await screenshot(page, 'tokens');

    const who = await call<{ user: { username: string } }>(`Bearer ${secret}`, 'GET', '/api/aviary/auth/whoami');
    expect(who.user.username).toBe(READER.username);
    const search = await call<{ experiments: { name: string }[] }>(`Bearer ${secret}`, 'GET', '/api/2.0/mlflow/experiments/search?max_results=10');
    expect(search.experiments.map((e) => e.name)).toContain('Default');

    await page.locator('[data-testid=token-row]').filter({ hasText: 'ci-script' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('No tokens.').waitFor();
    const revoked = await fetch(`${server.url}/api/aviary/auth/whoami`, { headers: { Authorization: `Bearer ${secret}` } });
    expect(revoked.status).toBe(401);
    expect(unexpected(errors)).toEqual([]);
    await page.close();
  });
});

describe("a broker module's Promote button with authentication on", () => {
  const SHADOWED = 'shadowed-model';

  /** A broker run's status: module snia following @champion of SHADOWED, with @challenger as its shadow. */
  async function saveShadowedRun(): Promise<void> {
    const at = new Date().toISOString();
    await server.aviary.alerts.saveRunStatus({
      runId: 'shadowed-run',
      state: 'finished',
      startedAt: at,
      updatedAt: at,
      finishedAt: at,
      config: '/etc/aviary/broker.yaml',
      alertsRead: 0,
      alertsStored: 0,
      alertsPerSecond: 0,
      sourceDeadLetters: 0,
      filters: [],
      modules: [
        {
          name: 'snia',
          model: `models:/${SHADOWED}@champion`,
          modelName: SHADOWED,
          version: '1',
          alias: 'champion',
          state: 'closed',
          scored: 0,
          deadLettered: 0,
          shadows: [{ alias: 'challenger', version: '2', state: 'closed', scored: 0, deadLettered: 0 }],
        },
      ],
    });
  }

  it('is hidden from a READ user; a MANAGE user promotes @challenger and the registry moves @champion', async () => {
    await asAdmin('POST', 'registered-models/create', { name: SHADOWED });
    for (let i = 0; i < 2; i++) await asAdmin('POST', 'model-versions/create', { name: SHADOWED, source: `runs:/${runId}/model`, run_id: runId });
    await asAdmin('POST', 'registered-models/alias', { name: SHADOWED, alias: 'champion', version: '1' });
    await asAdmin('POST', 'registered-models/alias', { name: SHADOWED, alias: 'challenger', version: '2' });
    for (const [user, permission] of [[READER, 'READ'], [MANAGER, 'MANAGE']] as const) {
      await asAdmin('POST', 'registered-models/permissions/create', { name: SHADOWED, username: user.username, permission });
    }
    await saveShadowedRun();

    const { page: reading, errors: readingErrors } = await browser.open();
    await reading.goto(`${server.url}/login?next=${encodeURIComponent('/broker/modules/snia')}`);
    await signIn(reading, READER);
    await reading.locator('[data-testid=shadow-row][data-alias=challenger]').waitFor();
    await reading.getByTestId('comparison').locator('[data-testid=comparison-no-overlap], [data-testid=shadow-comparison]').first().waitFor();
    expect(await reading.getByTestId('promote').count()).toBe(0);
    expect(unexpected(readingErrors)).toEqual([]);
    await reading.close();

    const { page: managing, errors: managingErrors } = await browser.open();
    await managing.goto(`${server.url}/login?next=${encodeURIComponent('/broker/modules/snia')}`);
    await signIn(managing, MANAGER);
    const promote = managing.locator('[data-testid=shadow-row][data-alias=challenger] [data-testid=promote]');
    await promote.getByTestId('promote-button').click();
    await promote.getByTestId('promote-yes').click();
    await promote.getByTestId('promotion').waitFor();
    expect(await promote.getByTestId('promotion').textContent()).toBe(`@champion of ${SHADOWED} moved from version 1 to version 2 (the version of @challenger).`);
    const model = await call<{ registered_model: { aliases: { alias: string; version: string }[] } }>(basic(ADMIN), 'GET', `/api/2.0/mlflow/registered-models/get?name=${SHADOWED}`);
    expect(model.registered_model.aliases.find((a) => a.alias === 'champion')?.version).toBe('2');
    // Again: the server says the alias already points there, and the page shows it.
    await promote.getByTestId('promote-button').click();
    await promote.getByTestId('promote-yes').click();
    await promote.getByTestId('error').waitFor();
    expect(await promote.getByTestId('error').textContent()).toContain('@champion already points at version 2');
    expect(unexpected(managingErrors).filter((e) => !/status of 409/.test(e))).toEqual([]);
    await managing.close();
  });
});

describe('web UI when the server changes its mind mid-session', () => {
  it("shows the server's 403 for an action whoami allowed, and returns to login, keeping the page, on a later 401", async () => {
    const TEMP = { username: 'short-lived', password: 'short-lived-password-1234' };
    await asAdmin('POST', 'users/create', { username: TEMP.username, password: TEMP.password });
    await asAdmin('POST', 'registered-models/permissions/create', { name: MODEL, username: TEMP.username, permission: 'MANAGE' });
    const { page, errors } = await browser.open();
    await page.goto(`${server.url}/login?next=${encodeURIComponent(`/models/${MODEL}`)}`);
    await signIn(page, TEMP);
    await page.getByTestId('aliases').getByLabel('New alias', { exact: true }).waitFor();

    await asAdmin('PATCH', 'registered-models/permissions/update', { name: MODEL, username: TEMP.username, permission: 'READ' });
    await page.getByLabel('New alias', { exact: true }).fill('challenger');
    await page.getByRole('button', { name: 'Set alias' }).click();
    const error = page.getByTestId('aliases').getByTestId('error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^PERMISSION_DENIED \(403\): /);
    expect(page.url()).toBe(`${server.url}/models/${MODEL}`);

    await asAdmin('DELETE', 'users/delete', { username: TEMP.username });
    await page.getByRole('link', { name: 'Experiments' }).click();
    await page.waitForURL(`${server.url}/login?next=%2Fexperiments`);
    await page.getByTestId('login-form').waitFor();
    expect(unexpected(errors).filter((e) => !/status of 403/.test(e))).toEqual([]);
    await page.close();
  });
});
