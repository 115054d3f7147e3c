import { Composer, type Document, Lexer, type LineCounter, Parser, YAMLParseError } from 'yaml';
import { InvariantError } from '../core/errors';

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

function collectionDepth(stack: ReadonlyArray<{ type: string }>): number {
  return stack.filter((token) => COLLECTIONS.has(token.type)).length;
}

/**
 * yaml's `parseDocument`, reading the text once and refusing it (null) as soon as it nests mappings and lists
 * deeper than `maxDepth` (`{}` is one level): the lexer and parser keep what they build on a stack of their own,
 * and only the composer, which recurses, would need the whole depth. So `[[[[…` costs no more than its first
 * levels. Keys are not checked for duplicates (see duplicateKeyOffsets).
 */
export function composeYamlDocument(
  text: string,
  maxDepth: number,
  lineCounter: LineCounter,
): Document.Parsed | null {
  const parser = new Parser(lineCounter.addNewLine);
  // Warnings (a collection used as a key) would go to the process's stderr, around the service's logger.
  const composer = new Composer({ uniqueKeys: false, logLevel: 'error' });
  const documents: Document.Parsed[] = [];
  lineCounter.addNewLine(0); // Parser.parse() marks where the first line starts; Parser.next() does not.
  for (const lexeme of new Lexer().lex(text)) {
    for (const token of parser.next(lexeme)) documents.push(...composer.next(token));
    if (parser.stack.length > maxDepth && collectionDepth(parser.stack) > maxDepth) return null;
    if (documents.length > 1) break;
  }
  if (documents.length <= 1) {
    for (const token of parser.end()) documents.push(...composer.next(token));
    documents.push(...composer.end(true, text.length));
  }
  const [first, second] = documents;
  if (first === undefined) throw new InvariantError('the YAML composer gave no document');
  if (second !== undefined) {
    const message = 'Source contains multiple documents; please use YAML.parseAllDocuments()';
    first.errors.push(new YAMLParseError([second.range[0], second.range[1]], 'MULTIPLE_DOCS', message));
  }
  return first;
}
