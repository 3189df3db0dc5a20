import { Router } from 'express';
import { requireAccess } from '../access';
import type { AppContext } from '../http/context';
import { courseExportRoutes } from './export-routes';
import { annul, annulPage } from './pages/annul';
import { coursePage, saveSection, sectionLink } from './pages/course';
import { listPage, searchPage, worklistPage } from './pages/list';
import { createCoursePage, newCoursePage } from './pages/new';

/**
 * The course pages: list and search, worklist, new course (CPR first), the course page and its saves; the course
 * export (its page, the download and /api/v1/courses.csv).
 */
export function coursePages(ctx: AppContext): Router {
  const router = Router();
  router.use(courseExportRoutes(ctx));
  const read = requireAccess(ctx, 'courses.read');
  const write = requireAccess(ctx, 'courses.write');

  router.get('/forloeb', read, listPage(ctx));
  // A search is a read, but by POST: a CPR number must never stand in a URL.
  router.post('/forloeb', read, searchPage(ctx));
  router.get('/arbejdsliste', read, worklistPage(ctx));
  router.get('/forloeb/nyt', write, newCoursePage(ctx));
  router.post('/forloeb/nyt', write, createCoursePage(ctx));
  router.get('/forloeb/:id', read, coursePage(ctx));
  router.get('/forloeb/:id/annuller', write, annulPage(ctx));
  router.post('/forloeb/:id/annuller', write, annul(ctx));
  router.get('/forloeb/:id/:section', read, sectionLink());
  router.post('/forloeb/:id/:section', write, saveSection(ctx));
  return router;
}
export { startActions } from './pages/start';
