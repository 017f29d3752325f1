/** A new token's secret, which the server shows only this once, with a copy button. */
import { useState } from 'react';

export function NewTokenSecret({ name, secret }: { name: string; secret: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | undefined>(undefined);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <div className="token-secret" data-testid="token-secret">
      <p>
        Token <strong>{name}</strong> created. Copy its secret now: it will not be shown again.
      </p>
      <code className="mono" data-testid="token-secret-value">
        {secret}
      </code>{' '}
      <button onClick={() => void copy()}>Copy</button>
      {copied === 'yes' && <span className="meta"> Copied.</span>}
      {copied === 'failed' && <span className="error-inline"> The browser refused to copy: select the secret and copy it.</span>}
    </div>
  );
}
