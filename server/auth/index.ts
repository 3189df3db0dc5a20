/**
 * Login machinery, the front door: who is calling (session cookie or API token, CSRF), passwords, sessions, API
 * tokens, two-factor and single sign-on, and their pages. What a caller may do is `access/`.
 */
export { authApi } from './api';
export { keepaliveRoutes } from './keepalive';
export { purgeOldCounters } from './login-limits';
export { authenticate, checkMultipartCsrf, csrfProtection, enforcePasswordChange, requireLogin } from './middleware';
export { oidcClient } from './oidc';
export { oidcRoutes } from './oidc-routes';
export { generateOneTimePassword, hashPassword, MIN_PASSWORD_LENGTH, type ScryptCost } from './passwords';
export { authRoutes, LANG_COOKIE } from './routes';
export { deleteUserSessions, IDLE_MINUTES, purgeExpiredSessions } from './sessions';
export { type IssuedToken, issueToken, revokeToken, revokeUserTokens } from './tokens';
export { clearTotp, encryptTotpSecret } from './totp';
export { totpRoutes } from './totp-routes';
export { findUserByEmail, toCurrentUser, unlinkOidc } from './users';
