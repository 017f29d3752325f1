/**
 * The MLflow release whose REST API Aviary serves. `GET /version` answers it, as `mlflow server`
 * answers its own: the mlflow client enables features by the server's version. The Python
 * compatibility tests pin the same client release (tests/python/requirements.txt).
 */
export const MLFLOW_VERSION = '3.17.2';
