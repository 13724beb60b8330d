// Roles are the model's (one definition, shared with the BFF and the web app).
import { hasRole, Role } from '@quorate/model';

export { Role };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return hasRole(role, needed);
}
