import { registerEnumType } from 'type-graphql';
import { SafetyMatch } from './matcher';

registerEnumType(SafetyMatch, {
  name: 'SafetyMatch',
  description: 'How a medication conflicts with a recorded allergy (the allergy–medication safety check; see SAFETY_CONFLICT).',
  valuesConfig: {
    SAME_SUBSTANCE: { description: 'The medication is, or contains, the substance the allergy names (brand names and salts included).' },
    SAME_CLASS: {
      description:
        'The medication belongs to the class the allergy names ("penicillin" → amoxicillin), or to a cross-reacting class with the drug it names (aspirin → ibuprofen).',
    },
    CROSS_REACTIVITY: {
      description:
        'The medication belongs to another class with a documented, usually low, cross-reactivity (a penicillin allergy and a cephalosporin); see the note.',
    },
  },
});

export { SafetyMatch };
