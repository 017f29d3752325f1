/**
 * The one HTTP client both servers are driven with: Node's fetch (undici), whose global agent
 * keeps connections alive, so sequential calls reuse one socket. A call's time includes reading
 * and parsing the whole answer.
 */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async post<T = any>(path: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/api/2.0/mlflow${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** A GET with `query` as the query string, as MLflow's client sends read-only registry calls. */
  async get<T = any>(path: string, query: Record<string, string | number>): Promise<T> {
    const params = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
    const res = await fetch(`${this.baseUrl}/api/2.0/mlflow${path}?${params}`);
    const text = await res.text();
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  async createExperiment(name: string): Promise<string> {
    return (await this.post<{ experiment_id: string }>('/experiments/create', { name })).experiment_id;
  }

  async createRun(experimentId: string, runName: string, startTime: number, tags: KeyValue[] = []): Promise<string> {
    const body = { experiment_id: experimentId, run_name: runName, start_time: startTime, user_id: 'bench', tags };
    return (await this.post<{ run: { info: { run_id: string } } }>('/runs/create', body)).run.info.run_id;
  }
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface MetricPoint {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

/** Milliseconds since `t0`. */
export function since(t0: number): number {
  return performance.now() - t0;
}

/** Nearest-rank percentile of `samples` (milliseconds or anything else). */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
