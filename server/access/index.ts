/**
 * Access control, the front door: who may do what (roles × actions), the user's scope and the one place a scope
 * becomes SQL. Login machinery (sessions, passwords, tokens, two-factor, single sign-on) lives in `auth/`.
 */
export * from './roles';
export * from './scope';
export * from './gate';
