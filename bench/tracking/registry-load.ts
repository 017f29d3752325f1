/**
 * The registry reads, timed in rounds: a block of calls on Aviary, the same block on MLflow, and
 * again. A registry read takes milliseconds, so one block per server would let a burst of the
 * machine's other load fall on one server's whole series; rounds spread it over both alike.
 * Alternating call by call would not: each call would then find its server idle and the other
 * one still finishing its last answer, which measured 0.6 to 0.8 ms more per Aviary alias call.
 */
import { KINDS, type Kind } from './both.js';
import { percentile, since, type ApiClient } from './client.js';
import type { Latency } from './load.js';
import { ALIAS, seedModel } from './registry-seed.js';
import { mulberry32 } from './seed.js';

export interface ModelSearchResult extends Latency {
  /** The names the first timed call answered, in order: both servers must answer the same list. */
  names: string[];
}

export interface AliasResult extends Latency {
  /** The version each timed call answered, model by model in the same random order on both. */
  versions: string[];
  /** The version the seed pointed `champion` at, for the same models. */
  expected: string[];
}

const ROUNDS = 10;

interface Timed<T> extends Latency {
  answers: T[];
}

/**
 * `call(client, i)` for i = 0 to warmup + count - 1 on each server: the warm-up calls untimed, then
 * the rest in ROUNDS blocks, each block on Aviary, then on MLflow.
 */
async function inRounds<T>(clients: Record<Kind, ApiClient>, warmup: number, count: number, call: (client: ApiClient, i: number) => Promise<T>) {
  const samples: Record<Kind, number[]> = { aviary: [], mlflow: [] };
  const answers: Record<Kind, T[]> = { aviary: [], mlflow: [] };
  for (const k of KINDS) for (let i = 0; i < warmup; i++) await call(clients[k], i);
  const block = Math.ceil(count / ROUNDS);
  for (let start = warmup; start < warmup + count; start += block) {
    for (const k of KINDS) {
      for (let i = start; i < Math.min(start + block, warmup + count); i++) {
        const t0 = performance.now();
        answers[k].push(await call(clients[k], i));
        samples[k].push(since(t0));
      }
    }
  }
  const out = {} as Record<Kind, Timed<T>>;
  for (const k of KINDS) out[k] = { p50: percentile(samples[k], 50), p99: percentile(samples[k], 99), count, answers: answers[k] };
  return out;
}

/** GET `registered-models/search` with `query`, `count` times on each after one warm-up. */
export async function searchModels(clients: Record<Kind, ApiClient>, query: Record<string, string | number>, count: number) {
  type Answer = { registered_models?: { name: string }[] };
  const timed = await inRounds(clients, 1, count, async (c) => (await c.get<Answer>('/registered-models/search', query)).registered_models ?? []);
  const out = {} as Record<Kind, ModelSearchResult>;
  for (const k of KINDS) {
    const { answers, ...latency } = timed[k];
    out[k] = { ...latency, names: answers[0]!.map((m) => m.name) };
  }
  return out;
}

/** GET `registered-models/alias` (get_model_version_by_alias) on models drawn by a seeded PRNG, the same ones on both. */
export async function aliasLatency(clients: Record<Kind, ApiClient>, models: number, warmup: number, count: number) {
  const random = mulberry32(7);
  const picks = Array.from({ length: warmup + count }, () => seedModel(Math.floor(random() * models)));
  type Answer = { model_version: { version: string } };
  const timed = await inRounds(clients, warmup, count, async (c, i) => {
    const answer = await c.get<Answer>('/registered-models/alias', { name: picks[i]!.name, alias: ALIAS });
    return answer.model_version.version;
  });
  const expected = picks.slice(warmup).map((m) => String(m.champion));
  const out = {} as Record<Kind, AliasResult>;
  for (const k of KINDS) {
    const { answers, ...latency } = timed[k];
    out[k] = { ...latency, versions: answers, expected };
  }
  return out;
}
