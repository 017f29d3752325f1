import type { SwapRefusal } from '../../api/broker-api.js';
import { formatInstant } from '../broker/run-summary.js';

/** An alias move the broker would not follow: said first, with the version refused and when. */
export function SwapRefusedBanner({ refusal, alias, kept }: { refusal: SwapRefusal; alias: string | undefined; kept: string | null }) {
  return (
    <div className="swap-refused" role="alert" data-testid="swap-refused" data-version={refusal.version}>
      <strong>swap refused: {refusal.reason}</strong>
      <div className="meta">
        {alias ? `@${alias}` : 'The alias'} moved to version {refusal.version}, which failed the check on recently stored alerts ({formatInstant(refusal.at)}); still
        scoring with version {kept ?? '—'}.
      </div>
    </div>
  );
}
