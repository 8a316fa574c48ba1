export { loadConfig, ConfigError } from './load-config';
export { repoRoot } from './repo-root';
