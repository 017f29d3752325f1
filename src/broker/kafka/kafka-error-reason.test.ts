import { describe, expect, it } from 'vitest';
import { kafkaErrorReason } from './kafka-error-reason.js';

/** The shape @platformatic/kafka gives a failed SASL login, as printed by a real broker. */
function nested(): Error {
  const protocol = Object.assign(new Error('SASL authentication failed.'), { serverErrorMessage: 'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512' });
  const response = Object.assign(new Error('Received response with error while executing API SaslAuthenticate(v2)'), { errors: [protocol] });
  const auth = Object.assign(new Error('SASL authentication failed.'), { cause: response });
  const network = Object.assign(new Error('Connection to 127.0.0.1:40163 failed.'), { cause: auth });
  const any = Object.assign(new Error('Cannot connect to any broker.'), { errors: [network] });
  return Object.assign(new Error('metadata failed 2 times.'), { errors: [any, any] });
}

describe('kafkaErrorReason', () => {
  it("follows the first chain of causes to the broker's own words, each message once", () => {
    expect(kafkaErrorReason(nested())).toBe(
      'metadata failed 2 times: Cannot connect to any broker: Connection to 127.0.0.1:40163 failed: SASL authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
  });

  it('takes a plain error or a thrown value as it is', () => {
    expect(kafkaErrorReason(new Error('boom.'))).toBe('boom');
    expect(kafkaErrorReason('text')).toBe('text');
  });
});
