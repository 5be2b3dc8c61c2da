import { systemVersion } from './01-system-version';
import { authMeCookie } from './02-auth-me-cookie';
import { authMeNoCache } from './02b-auth-me-no-cache';
import { projectsListApiKey } from './03-projects-list-api-key';
import { projectsListCookie } from './03b-projects-list-cookie';
import { jwtBearer } from './04-jwt-bearer';
import { batchOfFive } from './05-batch-of-five';
import type { Scenario } from './scenario';

/**
 * Every wrk-measured scenario, in table order. Scenario 6 (the sign-in flood,
 * ../flood/) and 7 (1k vs 1M rows, ../rows/) have their own phases and tables.
 */
export const SCENARIOS: readonly Scenario[] = [
  systemVersion,
  authMeCookie,
  authMeNoCache,
  projectsListApiKey,
  projectsListCookie,
  jwtBearer,
  batchOfFive,
];
