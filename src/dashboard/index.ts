/**
 * The learner's dashboard (issue 7): the web page a person uses at a personal-data intermediary, served at /me/.
 * It holds no data of its own: the page calls the person's API (/api/v1/me/..., people and consent contexts).
 */
export { dashboardRoutes } from './http/dashboard.routes.js';
export { pickLanguage, LANGUAGES, LANGUAGE_COOKIE, type Language } from './domain/language.js';
