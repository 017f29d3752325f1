import type { BrowserDefenceOptions } from '../server/security/browser-guard.js';

/** What `aviary demo` is asked to do; every field has an embedded default (demoDefaults). */
export interface DemoOptions {
  /** Database, artifacts, alert store, broker.yaml, training and simulated alerts. */
  readonly dataDir: string;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Alerts to replay (files, folders, globs); default: the shared real ZTF alerts, else simulated ones. */
  readonly alerts?: readonly string[];
  /** Replay simulated alerts even when real ones are at hand. */
  readonly simulated: boolean;
  /** How many simulated alerts to replay when simulating. */
  readonly count: number;
  /** How many labelled alerts to simulate for training. */
  readonly trainingCount: number;
  /** Train and register again even when the registry holds the three @champion models. */
  readonly retrain: boolean;
  /** Environment cache root (default: the runtime's). */
  readonly cacheDir?: string;
  /** Stream simulated alerts through a local Kafka at this rate (alerts/s) instead of replaying files. */
  readonly live?: { readonly ratePerSecond: number };
  /** The server's Host and Origin checks (default: localhost names and same-origin pages only). */
  readonly browserDefences?: BrowserDefenceOptions;
}

export const demoDefaults = {
  dataDir: './aviary-demo',
  host: '127.0.0.1',
  port: 5000,
  count: 2000,
  trainingCount: 3000,
  liveRate: 50,
} as const;

/** Fixed seeds: every demo trains on the same alerts and replays the same ones. */
export const TRAINING_SEED = 7;
export const REPLAY_SEED = 11;
