import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The server package's version, as published in its package.json. */
export const VERSION: string = (require('../package.json') as { version: string }).version;
