import type { AuthChecker } from 'type-graphql';
import { access, type AccessScope } from './access';

/**
 * The `@Authorized` role that marks a clinical field of the patient record
 * (history, allergies, medications …): `@Authorized(CLINICAL)` on the field.
 */
export const CLINICAL = 'CLINICAL';

/**
 * type-graphql's `authChecker`, passed to `buildSchema` by the composition
 * root. ADMIN sees the administrative record of a patient it manages, but
 * clinical content only as a team member (docs/contract.md); the decision is
 * `access.assertClinical`, which throws our own NOT_FOUND / FORBIDDEN. Being
 * declared on the type and evaluated when the schema is built, the guard
 * cannot depend on the order modules are imported in.
 */
export const authChecker: AuthChecker<AccessScope> = async ({ root, context }, roles) => {
  for (const role of roles) {
    if (role !== CLINICAL) throw new Error(`Unknown @Authorized role ${role}`);
    await access.assertClinical(context, (root as { id: string }).id);
  }
  return true;
};
