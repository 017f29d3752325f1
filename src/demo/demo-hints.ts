/** What to try once the demo has run: the same results through the CLI, the mlflow client and the REST API. */
export function demoHints(url: string, dataDir: string, brokerConfig: string): string {
  const query = encodeURIComponent('snia_score > 0.5');
  return `Aviary is serving ${url} (data: ${dataDir}). Try, in another terminal:

  npx aviary alerts search 'snia_score > 0.5' --data-dir ${dataDir}
  curl '${url}/api/aviary/alerts/search?filter=${query}'
  curl '${url}/api/2.0/mlflow/registered-models/alias?name=snia&alias=champion'

  MLFLOW_TRACKING_URI=${url} python -c "import mlflow; print(mlflow.MlflowClient().get_model_version_by_alias('snia', 'champion'))"

  npx aviary broker run --config ${brokerConfig} --source <alerts>     # replay other alerts
  npx aviary models check models:/snia@champion --alerts <alerts> --data-dir ${dataDir}`;
}
