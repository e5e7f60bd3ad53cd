import type { ManagerRender } from '../../../src/jobs/manager/process.js';
import { alertView, closedRootView, summaryView } from './alert-views.js';

/** The Block Kit of the manager jobs (alerts, daily summary), handed to startManagerJobs by the wiring. */
export const managerRender: ManagerRender = {
  alert: (a, timezone) => alertView(a, timezone),
  closedRoot: (a, timezone) => closedRootView(a, timezone),
  summary: (s, timezone) => summaryView(s, timezone),
};
