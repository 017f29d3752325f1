import { useState } from 'react';
import { promoteModule, type Promotion } from '../../api/module-api.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';

interface Props {
  readonly module: string;
  readonly shadowAlias: string;
  /** The alias the module follows: the one that moves. */
  readonly alias: string;
  /** The versions each alias scored with in the run, to say what the move does. */
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  readonly onPromoted: (promotion: Promotion) => void;
}

/**
 * Moves the module's alias to the shadow's version, after a confirmation: every broker following
 * that alias checks the new version on recent alerts and swaps to it. The server's answer (or
 * its refusal) is shown.
 */
export function PromoteButton({ module, shadowAlias, alias, fromVersion, toVersion, onPromoted }: Props) {
  const [step, setStep] = useState<'idle' | 'confirm' | 'sending'>('idle');
  const [done, setDone] = useState<Promotion | undefined>();
  const [error, setError] = useState<unknown>();
  const promote = () => {
    setStep('sending');
    setError(undefined);
    promoteModule(module, shadowAlias).then(
      (promotion) => {
        setStep('idle');
        setDone(promotion);
        onPromoted(promotion);
      },
      (err: unknown) => {
        setStep('idle');
        setError(err);
      },
    );
  };
  return (
    <div className="promote" data-testid="promote" data-alias={shadowAlias}>
      {step === 'idle' && (
        <button type="button" data-testid="promote-button" onClick={() => setStep('confirm')}>
          Promote @{shadowAlias} to @{alias}
        </button>
      )}
      {step === 'confirm' && (
        <div className="promote-confirm" data-testid="promote-confirm">
          Move @{alias}
          {fromVersion ? ` from version ${fromVersion}` : ''} to the version @{shadowAlias} points at{toVersion ? ` (version ${toVersion} in this run)` : ''}? Every broker
          following @{alias} checks it on recently stored alerts, then scores with it.{' '}
          <button type="button" data-testid="promote-yes" onClick={promote}>
            Promote
          </button>{' '}
          <button type="button" onClick={() => setStep('idle')}>
            Cancel
          </button>
        </div>
      )}
      {step === 'sending' && <Progress label={`Moving @${alias}…`} />}
      {done && (
        <p className="promote-done" data-testid="promotion" data-from={done.from ?? ''} data-to={done.to}>
          @{done.alias} of {done.modelName} moved {done.from ? `from version ${done.from} ` : ''}to version {done.to} (the version of @{shadowAlias}).
        </p>
      )}
      <ErrorBanner error={error} />
    </div>
  );
}
