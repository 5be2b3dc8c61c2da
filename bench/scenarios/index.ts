import { systemVersion } from './01-system-version';
import { authMeCookie } from './02-auth-me-cookie';
import { projectsListApiKey } from './03-projects-list-api-key';
import { jwtBearer } from './04-jwt-bearer';
import { batchOfFive } from './05-batch-of-five';
import type { Scenario } from './scenario';

/**
 * Every scenario, in table order. Not yet here: 6 the `auth.signIn` flood
 * with `system.version` latency beside it (the fault suite covers its
 * behaviour), 7 scenarios 2 and 3 at 1k vs 1M rows, and `auth.me` with the
 * session cache off.
 */
export const SCENARIOS: readonly Scenario[] = [systemVersion, authMeCookie, projectsListApiKey, jwtBearer, batchOfFive];
