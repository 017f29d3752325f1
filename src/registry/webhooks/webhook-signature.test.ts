// Expected values were produced by MLflow 3.17.2 itself: json.dumps(...) and
// mlflow.webhooks.delivery._generate_hmac_signature(...), so a drift from MLflow's bytes fails here.
import { describe, expect, it } from 'vitest';
import { toPythonJson } from './python-json.js';
import { pythonIsoFormat } from './webhook-sender.js';
import { signWebhook } from './webhook-signature.js';

const ENVELOPE = {
  entity: 'model_version_alias',
  action: 'created',
  timestamp: '2025-01-02T03:04:05.678000+00:00',
  data: { name: 'snïa — 🔭', alias: 'champion', version: '2', n: null, t: { 'k"': 'a\\b\n\u007f' } },
};
const PYTHON_BODY =
  '{"entity": "model_version_alias", "action": "created", "timestamp": "2025-01-02T03:04:05.678000+00:00", ' +
  '"data": {"name": "sn\\u00efa \\u2014 \\ud83d\\udd2d", "alias": "champion", "version": "2", "n": null, "t": {"k\\"": "a\\\\b\\n\\u007f"}}}';

describe('webhook bodies and signatures as MLflow makes them', () => {
  it('writes JSON as Python json.dumps does', () => {
    expect(toPythonJson(ENVELOPE)).toBe(PYTHON_BODY);
    expect(JSON.parse(PYTHON_BODY)).toEqual(ENVELOPE);
  });

  it('signs as mlflow.webhooks.delivery does', () => {
    expect(signWebhook('s3crét', '0b6e1f1e-0000-4000-8000-000000000001', '1735787045', PYTHON_BODY)).toBe(
      'v1,7id4HWneTtdDyhzIxW//z1Q4qKQUDV9uPF4Cv3nunEI=',
    );
  });

  it('dates the envelope as datetime.isoformat() does', () => {
    expect(pythonIsoFormat(1735787045678)).toBe('2025-01-02T03:04:05.678000+00:00');
    expect(pythonIsoFormat(1735787045000)).toBe('2025-01-02T03:04:05+00:00');
  });
});
