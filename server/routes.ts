import type { Router } from 'express';
import { adminRoutes } from './admin/routes';
import { authApi, keepaliveRoutes } from './auth';
import { coursePages, coursesApi } from './courses';
import { indicatorsApi } from './dashboard/api';
import { dashboardRoutes } from './dashboard/routes';
import { standardsRoutes } from './standards';
import type { AppContext } from './http/context';
import { fhirApi, fhirAdminRoutes } from './fhir';
import { importsApi } from './imports/api';
import { importsRoutes } from './imports/routes';
import { pathwayApi } from './pathway/api';
import { pathwayPages } from './pathway/pages';
import { submissionsApi } from './submissions/api';
import { submissionsRoutes } from './submissions/routes';

/** Every feature's routers (pages and /api/v1), mounted in this order after login and the start page. */
export function featureRoutes(ctx: AppContext): Router[] {
  return [
    coursesApi(ctx),
    coursePages(ctx),
    indicatorsApi(ctx),
    dashboardRoutes(ctx),
    standardsRoutes(ctx),
    authApi(),
    keepaliveRoutes(),
    adminRoutes(ctx),
    fhirApi(ctx),
    fhirAdminRoutes(ctx),
    importsApi(ctx),
    importsRoutes(ctx),
    pathwayApi(ctx),
    pathwayPages(ctx),
    submissionsApi(ctx),
    submissionsRoutes(ctx),
  ];
}
