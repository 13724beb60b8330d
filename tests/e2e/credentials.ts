// Test-only credentials, handed to the BFF by playwright.config.ts. Never real secrets.
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'e2e-admin-password-1';
/** QUORATE_API_TOKEN: the static token the specs use for REST calls (heal, faults, clusters) */
export const API_TOKEN = 'e2e-static-api-token-0123456789abcdef';
/** the first-run server's admin, created through the setup page by setup.spec.ts */
export const SETUP_USER = 'root-admin';
export const SETUP_PASSWORD = 'first-run-password-42';
