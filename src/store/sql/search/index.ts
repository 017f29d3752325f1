/** What the SQL store calls to search: each function adds a search's WHERE and ORDER BY to its query. */
export { applyRunSearch, type RunSearchOptions } from './apply-run-search.js';
export { applyExperimentSearch, type ExperimentSearchOptions } from './apply-experiment-search.js';
export { applyLoggedModelSearch, type LoggedModelSearchOptions } from './apply-logged-model-search.js';
export { searchSqlDialect, type SearchDialectName, type SearchSqlDialect } from './search-sql-dialect.js';
export { applyRegisteredModelSearch, type RegistrySearchOptions } from './apply-registered-model-search.js';
export { applyModelVersionSearch } from './apply-model-version-search.js';
