/**
 * The UI's pure authentication logic: which controls a whoami answer shows, where the login page
 * may send a user back to, and the Basic header the login form builds.
 */
import { describe, expect, it } from 'vitest';
import type { Permission, WhoAmI } from '../../../web/src/api/auth-api.js';
import { basicAuthorization } from '../../../web/src/api/session-credentials.js';
import { may, mayEditAliases, mayEditModelTags, permissionOn } from '../../../web/src/auth/access.js';
import { loginUrl, safeNext } from '../../../web/src/auth/safe-next.js';

function user(defaultPermission: Permission, models: Record<string, Permission> = {}, experiments: Record<string, Permission> = {}, isAdmin = false): WhoAmI {
  return {
    auth: true,
    user: {
      username: 'u',
      is_admin: isAdmin,
      experiment_permissions: Object.entries(experiments).map(([experiment_id, permission]) => ({ experiment_id, permission })),
      registered_model_permissions: Object.entries(models).map(([name, permission]) => ({ name, permission })),
    },
    default_permission: defaultPermission,
    public_alerts: false,
  };
}

describe('what the UI lets a user change', () => {
  it('lets everyone change everything when authentication is off', () => {
    const off: WhoAmI = { auth: false };
    expect(mayEditAliases(off, 'm')).toBe(true);
    expect(mayEditModelTags(off, 'm')).toBe(true);
  });

  it('lets an admin change everything whatever the permissions say', () => {
    const admin = user('NO_PERMISSIONS', { m: 'READ' }, {}, true);
    expect(mayEditAliases(admin, 'm')).toBe(true);
    expect(mayEditModelTags(admin, 'm')).toBe(true);
  });

  it('READ hides edits, EDIT allows tags but not aliases, MANAGE allows both', () => {
    const cases: [Permission, boolean, boolean][] = [
      ['NO_PERMISSIONS', false, false],
      ['READ', false, false],
      ['EDIT', true, false],
      ['MANAGE', true, true],
    ];
    for (const [permission, tags, aliases] of cases) {
      const who = user('READ', { m: permission });
      expect([permission, mayEditModelTags(who, 'm'), mayEditAliases(who, 'm')]).toEqual([permission, tags, aliases]);
    }
  });

  it("takes the explicit permission on that model, else the server's default", () => {
    const who = user('EDIT', { guarded: 'READ', owned: 'MANAGE' });
    expect(permissionOn(who, { registeredModel: 'guarded' })).toBe('READ');
    expect(permissionOn(who, { registeredModel: 'owned' })).toBe('MANAGE');
    expect(permissionOn(who, { registeredModel: 'other' })).toBe('EDIT');
    expect(mayEditModelTags(who, 'guarded')).toBe(false);
    expect(mayEditModelTags(who, 'other')).toBe(true);
    expect(mayEditAliases(who, 'other')).toBe(false);
  });

  it('reads experiment permissions by id, a model permission never standing for an experiment', () => {
    const who = user('READ', { '1': 'MANAGE' }, { '1': 'EDIT' });
    expect(permissionOn(who, { experimentId: '1' })).toBe('EDIT');
    expect(permissionOn(who, { experimentId: '2' })).toBe('READ');
    expect(may(who, { experimentId: '1' }, 'EDIT')).toBe(true);
    expect(may(who, { experimentId: '1' }, 'MANAGE')).toBe(false);
  });
});

describe('the page to return to after signing in', () => {
  it('keeps a page of this site with its query', () => {
    expect(safeNext('/models/galaxy%20net?x=1')).toBe('/models/galaxy%20net?x=1');
    expect(safeNext('/experiments/3?filter=metrics.acc%20%3E%200.9')).toBe('/experiments/3?filter=metrics.acc%20%3E%200.9');
  });

  it('refuses anything that leaves the site, or the login page itself', () => {
    for (const next of [null, '', 'https://evil.example/', '//evil.example/x', '/\\evil.example/x', '/\t/evil.example', 'javascript:alert(1)', '/login', '/login?next=/x'])
      expect([next, safeNext(next)]).toEqual([next, '/experiments']);
  });

  it('sends to /login?next=<the page> and back, the start page needing no next', () => {
    const url = loginUrl('/models/m?tab=1');
    expect(url).toBe('/login?next=%2Fmodels%2Fm%3Ftab%3D1');
    expect(safeNext(new URLSearchParams(url.split('?')[1]).get('next'))).toBe('/models/m?tab=1');
    expect(loginUrl('/')).toBe('/login');
    expect(loginUrl('/login?next=/x')).toBe('/login');
  });
});

describe('the login form', () => {
  it('sends Basic base64(username:password), UTF-8 encoded like curl and the mlflow client', () => {
    expect(basicAuthorization('admin', 'password1234')).toBe(`Basic ${Buffer.from('admin:password1234').toString('base64')}`);
    expect(basicAuthorization('zoë', 'pässwörd:x')).toBe(`Basic ${Buffer.from('zoë:pässwörd:x', 'utf8').toString('base64')}`);
  });
});
