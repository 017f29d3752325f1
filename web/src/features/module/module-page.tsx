import { useEffect, useRef } from 'react';
import { getModuleComparison } from '../../api/module-api.js';
import { mayEditAliases } from '../../auth/access.js';
import { useWhoAmI } from '../../auth/who-am-i-context.js';
import { ErrorBanner } from '../../components/error-banner.js';
import { Progress } from '../../components/progress.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../routing/link.js';
import { replaceQuery, useLocation } from '../../routing/location.js';
import { paths } from '../../routing/paths.js';
import '../broker/broker.css';
import { ComparisonSection } from './comparison-section.js';
import './module.css';
import { ModuleStatusSection } from './module-status-section.js';
import { ShadowsTable } from './shadows-table.js';
import { useModuleStatus } from './use-module-status.js';

const DEFAULT_THRESHOLD = 0.5;
/** While the run stores alerts the comparison is read again, at most this often (it reads up to 100,000 rows). */
const LIVE_COMPARISON_MS = 10_000;

/**
 * A broker module: its status in the latest run that has it (read again while that run runs),
 * its shadow aliases with their promotion, and the comparison of each shadow with the module's
 * own scores at the threshold in `?threshold=` (and the output in `?output=`), read again every
 * 10 s while the run stores alerts.
 */
export function ModulePage({ name }: { name: string }) {
  const { query } = useLocation();
  const thresholdText = query.get('threshold');
  const threshold = thresholdText !== null && Number.isFinite(Number(thresholdText)) ? Number(thresholdText) : DEFAULT_THRESHOLD;
  const output = query.get('output') ?? undefined;
  const status = useModuleStatus(name);
  const module = status.value?.module;
  // Compared once the status is read, and not at all when the run says the module has no shadow.
  const noShadow = module !== undefined && (module.shadows ?? []).length === 0;
  const compare = status.value !== undefined && !noShadow;
  const [comparison, refreshComparison] = useAsync(compare ? `${name}\n${threshold}\n${output ?? ''}` : '', (signal) =>
    compare ? getModuleComparison(name, { threshold, output }, signal) : Promise.resolve(undefined),
  );
  const who = useWhoAmI();
  const stored = status.value?.run?.alertsStored;
  const compared = useRef(Date.now());
  const wasLive = useRef(false);
  useEffect(() => {
    // Live: now and then as alerts arrive; and once more when the run ends, for its final numbers.
    const ended = wasLive.current && !status.live;
    wasLive.current = status.live;
    if (!compare || !(ended || (status.live && Date.now() - compared.current >= LIVE_COMPARISON_MS))) return;
    compared.current = Date.now();
    refreshComparison();
  }, [stored, status.live]);
  const onPromoted = () => {
    status.reload();
    refreshComparison();
  };
  return (
    <div className="broker-page module-page" data-testid="module-page">
      <nav className="crumbs">
        <Link to={paths.broker()}>Broker</Link> / module <span data-testid="module-name">{name}</span>
        {status.live && (
          <span className="broker-live" data-testid="live">
            {' '}
            live
          </span>
        )}
      </nav>
      <ErrorBanner error={status.error} />
      {!status.value && !status.error && <Progress label="Reading the broker's runs…" />}
      {status.value && !module && (
        <p className="empty" data-testid="module-not-in-runs">
          No recent broker run has a module named {name}; the comparison below reads the stored scores.
        </p>
      )}
      {status.value?.run && module && (
        <>
          <ModuleStatusSection run={status.value.run} module={module} />
          {module.shadows && module.shadows.length > 0 && (
            <>
              <h2>Shadows</h2>
              <ShadowsTable module={module} mayPromote={mayEditAliases(who, module.modelName)} onPromoted={onPromoted} />
            </>
          )}
        </>
      )}
      <h2>Comparison</h2>
      <ComparisonSection
        name={name}
        state={comparison}
        status={module}
        noShadow={noShadow}
        threshold={threshold}
        onThreshold={(t) => replaceQuery({ threshold: t === DEFAULT_THRESHOLD ? undefined : String(t) })}
        onRefresh={refreshComparison}
      />
    </div>
  );
}
