import { useState } from 'react';
import type { ModuleStatus } from '../../api/broker-api.js';
import type { ModuleComparison } from '../../api/module-api.js';
import type { AsyncState } from '../../components/use-async.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { ShadowComparisonView } from './shadow-comparison-view.js';

interface Props {
  readonly name: string;
  /** Loading until the status is read; undefined when nothing is compared (noShadow). */
  readonly state: AsyncState<ModuleComparison | undefined>;
  /** The module's status, when a run has it: its configured shadows and model. */
  readonly status: ModuleStatus | undefined;
  /** The run says the module has no shadow alias: nothing to compare. */
  readonly noShadow: boolean;
  readonly threshold: number;
  readonly onThreshold: (threshold: number) => void;
  readonly onRefresh: () => void;
}

/** Champion against each shadow over the alerts both scored, at a threshold the user sets. */
export function ComparisonSection({ name, state, status, noShadow, threshold, onThreshold, onRefresh }: Props) {
  const [text, setText] = useState(String(threshold));
  if (noShadow) return <NoShadow name={name} status={status} />;
  const typed = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(typed);
  const comparison = state.status === 'done' ? state.value : undefined;
  return (
    <section data-testid="comparison">
      <div className="toolbar">
        <label>
          Threshold{' '}
          <input
            className="threshold"
            data-testid="threshold"
            type="number"
            step="0.05"
            value={text}
            aria-invalid={valid ? undefined : true}
            onChange={(e) => {
              setText(e.target.value);
              const value = Number(e.target.value);
              if (e.target.value.trim() !== '' && Number.isFinite(value)) onThreshold(value);
            }}
          />
        </label>
        {comparison && (
          <span className="meta">
            output <span className="mono">{comparison.output}</span>: a score at or above the threshold says yes
          </span>
        )}
        <button type="button" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      {state.status === 'loading' && <Progress label="Comparing the stored scores…" />}
      {state.status === 'error' && <ErrorBanner error={state.error} />}
      {comparison?.labelsUnavailable && (
        <p className="error-inline" data-testid="labels-unavailable">
          No label metrics: {comparison.labelsUnavailable}
        </p>
      )}
      {comparison && comparison.shadows.length === 0 && <NoComparison name={name} status={status} />}
      {comparison?.shadows.map((s) => <ShadowComparisonView key={s.alias} comparison={s} championAlias={comparison.championAlias} output={comparison.output} threshold={comparison.threshold} />)}
    </section>
  );
}

/** Nothing stored to compare: either no shadow is configured, or none has scored yet. */
function NoComparison({ name, status }: { name: string; status: ModuleStatus | undefined }) {
  const configured = status?.shadows ?? [];
  if (configured.length === 0) return <NoShadow name={name} status={status} />;
  return (
    <p className="empty" data-testid="comparison-no-overlap">
      No alert scored by both the module and {configured.map((s) => `@${s.alias}`).join(', ')} yet: the comparison starts with the first alerts the run stores.
    </p>
  );
}

/** No shadow configured: the config lines to add. */
function NoShadow({ name, status }: { name: string; status: ModuleStatus | undefined }) {
  const model = status?.alias ? `models:/${status.modelName}@${status.alias}` : (status?.model ?? 'models:/<model>@champion');
  return (
    <div className="empty" data-testid="comparison-no-shadow">
      <p>No shadow configured for {name}: name the aliases to score beside it in broker.yaml, then run the broker again:</p>
      <pre className="mono config-snippet">{`modules:\n  - name: ${name}\n    model: ${model}\n    shadow: [challenger]`}</pre>
    </div>
  );
}
