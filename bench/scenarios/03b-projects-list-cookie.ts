import { projectsListScenario } from './projects-list-scenario';

/** Scenario 3b: the same page as scenario 3, with a session cookie. */
export const projectsListCookie = projectsListScenario({
  id: '3b-projects-list-cookie',
  title: 'projects.list (page of 20) with a session cookie',
  headersOf: (t) => ({ cookie: t.cookie }),
});
