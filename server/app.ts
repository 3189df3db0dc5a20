import path from 'node:path';
import cookieParser from 'cookie-parser';
import express, { Express } from 'express';
import { engine } from 'express-handlebars';
import helmet from 'helmet';
import { authenticate, authRoutes, csrfProtection, enforcePasswordChange, LANG_COOKIE, oidcRoutes, totpRoutes } from './auth';
import type { AppContext } from './http/context';
import { recordRefusal } from './audit/record';
import { errorHandler, notFoundHandler, type RefusalRecorder } from './http/error-handler';
import { noStoreWhenLoggedIn } from './http/cache-control';
import { normaliseInput, refuseInputFaults } from './http/input';
import { fhirErrorHandler } from './fhir';
import { requestLogger } from './logger';
import { viewLocals } from './page-locals';
import { viewHelpers } from './http/view-helpers';
import { isLang } from './i18n';
import { ROOT, STATIC_DIR, VIEWS_DIR } from './paths';
import { startActions } from './courses';
import { featureRoutes } from './routes';

/** The express application (no listen), so tests drive it in-process. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.set('trust proxy', ctx.config.trustProxy);
  app.disable('x-powered-by');
  app.engine('hbs', engine({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(VIEWS_DIR, 'layouts'),
    partialsDir: path.join(VIEWS_DIR, 'partials'),
    helpers: viewHelpers,
  }));
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);
  if (ctx.config.production) app.enable('view cache');

  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The login button and Log ud post here and are redirected on to the identity provider (CSP checks redirects).
        formAction: ["'self'", ...(ctx.config.oidc ? [new URL(ctx.config.oidc.issuer).origin] : [])],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    strictTransportSecurity: ctx.config.production,
  }));
  if (ctx.config.nodeEnv !== 'test') app.use(requestLogger(ctx));

  const staticOptions = { maxAge: ctx.config.production ? '1d' : 0, fallthrough: false };
  app.use('/static', express.static(STATIC_DIR, staticOptions));
  app.use('/vendor/dkfds', express.static(path.join(ROOT, 'node_modules', 'dkfds', 'dist'), staticOptions));
  app.use('/vendor/chart.js', express.static(path.join(ROOT, 'node_modules', 'chart.js', 'dist'), staticOptions));

  app.get('/api/v1/health', async (_req, res) => {
    try {
      await ctx.db.raw('select 1');
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.use(cookieParser());
  app.use((req, _res, next) => {
    const lang = req.query.lang ?? req.cookies?.[LANG_COOKIE];
    req.lang = isLang(lang) ? lang : 'da';
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  // The FHIR intake reads its own body (fhir.md: its own limits, media types and OperationOutcome answers).
  const json = express.json({ limit: '2mb' });
  app.use('/api', (req, res, next) => (req.path.startsWith('/v1/fhir/') ? next() : json(req, res, next)));
  app.use(normaliseInput());
  app.use(authenticate(ctx));
  app.use(noStoreWhenLoggedIn());
  app.use(csrfProtection());
  app.use(refuseInputFaults());
  app.use(enforcePasswordChange());
  app.use(viewLocals(ctx));

  app.get('/', startActions(ctx));
  app.use(authRoutes(ctx));
  app.use(totpRoutes(ctx));
  app.use(oidcRoutes(ctx));
  for (const router of featureRoutes(ctx)) app.use(router);

  const refusals: RefusalRecorder = (req, hint, status) => recordRefusal(ctx.db, req, hint, status);
  app.use(fhirErrorHandler(ctx, refusals));
  app.use(notFoundHandler());
  app.use(errorHandler(ctx, refusals));
  return app;
}
