export type { Config } from './config';
export { loadConfig, type LoadConfigResult } from './load-config';
export { readEnvironment } from './read-environment';
