import { createAccountJobs, type AccountJobs } from '../account/account-jobs';
import type { AppDeps } from '../app-deps';
import type { Slice } from './slice';

/**
 * Account work off the request path (account/account-jobs.ts): requested exports are built
 * and their links mailed, accounts past their deletion grace period erased. Every minute on
 * every instance, and at once when a request kicks it.
 */
export function accountSlice(deps: Omit<AppDeps, 'accountJobs'>): Slice<AccountJobs> {
  const jobs = createAccountJobs(deps);
  jobs.start();
  return { deps: jobs, close: () => jobs.stop() };
}
