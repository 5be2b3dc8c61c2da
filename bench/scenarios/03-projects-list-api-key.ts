import { projectsListScenario } from './projects-list-scenario';

/** Scenario 3: an org-scoped page of 20 under row-level security, with an API key. */
export const projectsListApiKey = projectsListScenario({
  id: '3-projects-list-key',
  title: 'projects.list (page of 20) with an API key',
  headersOf: (t) => ({ authorization: `Bearer ${t.apiKey}` }),
});
