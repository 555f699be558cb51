import fs from 'node:fs';
import path from 'node:path';
import { isExecutableDefinitionNode, LoneAnonymousOperationRule, parse, specifiedRules, validate } from 'graphql';
import { buildHubSchema } from '../src/app/schema';

/**
 * README's GraphQL examples are what a portal developer copies first: each
 * operation in a ```graphql block must be valid against the schema the hub
 * serves (blocks of type definitions, such as a partner's subgraph, are not
 * operations and are left alone). A block may show several anonymous
 * operations side by side.
 */
const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const blocks = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => ({
  line: README.slice(0, match.index).split('\n').length,
  document: parse(match[1]),
}));
const operations = blocks.filter(({ document }) => document.definitions.every(isExecutableDefinitionNode));
const rules = specifiedRules.filter((rule) => rule !== LoneAnonymousOperationRule);

describe('README', () => {
  it('shows GraphQL examples', () => {
    expect(operations.length).toBeGreaterThan(5);
  });

  it.each(operations.map(({ line, document }) => [line, document] as const))(
    'has a GraphQL example at line %i that is valid against the served schema',
    (_line, document) => {
      expect(validate(buildHubSchema(), document, rules).map((error) => error.message)).toEqual([]);
    },
  );
});
