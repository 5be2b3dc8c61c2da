export type { AppRouter } from './app-router';
export { appRouter } from './app-router';
export { createApp, type App, type CreateAppOptions } from './create-app';
export { loadConfig, type Config } from './config';
