import type { MiddlewareFn } from 'type-graphql';
import type { Context } from '../graphql/context';
import { access } from './access';

/**
 * Guards a clinical field of the patient record (allergies, medications …):
 * ADMIN sees the administrative record of a patient it manages, but clinical
 * content only as a team member (DESIGN.md).
 */
export const ClinicalField: MiddlewareFn<Context> = async ({ root, context }, next) => {
  await access.assertClinical(context, (root as { id: string }).id);
  return next();
};
