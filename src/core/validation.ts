import { Length, Matches } from 'class-validator';

/**
 * A required text of 1 to `max` characters that is more than white space
 * ("   " is no title, no role, no allergy). Fails as BAD_USER_INPUT with the
 * field, like every class-validator constraint.
 */
export function NonBlank(max: number): PropertyDecorator {
  const length = Length(1, max);
  const notBlank = Matches(/\S/, { message: '$property must not be blank' });
  return (target, key) => {
    length(target, key);
    notBlank(target, key);
  };
}
