/**
 * Parser for SCIM filters (RFC 7644 §3.4.2.2), PATCH paths (§3.5.2) and bare attribute references (§3.10).
 *
 * Why hand-written: the filter parsers on npm either implement the RFC grammar strictly, and so reject the
 * form Microsoft Entra ID sends (`emails[type eq "work"].value eq "x"`, a value path followed by a comparison),
 * or accept far more than the RFC without telling what they did. The grammar is small, so a recursive-descent
 * parser with one function per rule is short, has no runtime dependency, and reports errors with the
 * character position the IdP's operator needs to see.
 *
 * Grammar (RFC 7644 Figure 1, with `and` binding tighter than `or` as §3.4.2.2 requires):
 *
 *   filter     = orExpr
 *   orExpr     = andExpr *("or" andExpr)                    ; left-associative
 *   andExpr    = unary *("and" unary)                       ; left-associative
 *   unary      = "not" "(" orExpr ")" / "(" orExpr ")" / attrExpr
 *   attrExpr   = attrPath "pr"
 *              / attrPath compareOp compValue
 *              / attrPath "[" orExpr "]" [ "." subAttr ("pr" / compareOp compValue) ]   ; the tail is Entra's
 *   compValue  = JSON string / JSON number / "true" / "false" / "null"
 *
 * Operators, logical keywords, `pr` and `true`/`false`/`null` are case-insensitive (§3.4.2.2). Inside brackets
 * attribute names are sub-attribute names of the bracketed attribute, and brackets cannot nest (§3.4.2.2:
 * "valFilter" has no valuePath). Whitespace may be any JSON whitespace; the RFC asks for single spaces, but no
 * client is better served by a rejection for a double space.
 *
 * Hostile input: texts longer than MAX_TEXT_LENGTH and nesting deeper than MAX_NESTING_DEPTH are refused with
 * a SCIM error before they can cost much time or stack; `and`/`or` chains are built in loops, not by recursion.
 */
import { scimErrors } from '../errors';
import type { AttributePath, CompareOperator, FilterNode, FilterValue, PatchPath } from './ast';
import { DEFAULT_KNOWN_URNS, isAttributeName, splitAttributePath } from './attribute-path';
import { describePosition, tokenize, type SyntaxFailure, type Token } from './lexer';

export interface ParseOptions {
  /**
   * Schema URNs that URN-qualified names may start with, in addition to the core User and Group URNs and the
   * enterprise extension URN. Names under other URNs are split at their last `:`.
   */
  knownUrns?: readonly string[];
}

/** Longest filter or path accepted. Entra's and Okta's filters are well under 200 characters. */
export const MAX_TEXT_LENGTH = 8192;
/** Deepest nesting of `(…)`, `not (…)` and `[…]` accepted. */
export const MAX_NESTING_DEPTH = 64;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set<CompareOperator>([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';

/** Parses a `filter` query parameter or SearchRequest `filter`. Errors are `invalidFilter` (RFC 7644 §3.4.2.2). */
export function parseFilter(text: string, options: ParseOptions = {}): FilterNode {
  return new Parser(text, 'filter', scimErrors.invalidFilter, options).filter();
}

/** Parses a PATCH operation `path` (RFC 7644 §3.5.2). Errors are `invalidPath` (RFC 7644 Table 9). */
export function parsePatchPath(text: string, options: ParseOptions = {}): PatchPath {
  return new Parser(text, 'path', scimErrors.invalidPath, options).patchPath();
}

/**
 * Parses one attribute reference from `attributes=`, `excludedAttributes=` or `sortBy` (RFC 7644 §3.10);
 * surrounding whitespace is ignored. Errors are `invalidPath`.
 */
export function parseAttributePath(text: string, options: ParseOptions = {}): AttributePath {
  return new Parser(text, 'attribute', scimErrors.invalidPath, options).attributeReference();
}

type Subject = 'filter' | 'path' | 'attribute';

class Parser {
  private readonly tokens: Token[];
  private readonly fail: SyntaxFailure;
  private readonly subject: Subject;
  private readonly knownUrns: readonly string[];
  private index = 0;
  private depth = 0;
  /** Inside `[…]`: names are sub-attributes and another `[` is illegal. */
  private inValueFilter = false;

  constructor(text: string, subject: Subject, fail: SyntaxFailure, options: ParseOptions) {
    this.fail = fail;
    this.subject = subject;
    this.knownUrns = [...DEFAULT_KNOWN_URNS, ...(options.knownUrns ?? [])];
    if (typeof text !== 'string') throw fail(`The ${subject} must be a string`);
    if (text.length > MAX_TEXT_LENGTH) {
      throw fail(`The ${subject} is ${text.length} characters long; at most ${MAX_TEXT_LENGTH} are accepted`);
    }
    this.tokens = tokenize(text, fail);
  }

  filter(): FilterNode {
    if (this.peek().kind === 'end') throw this.fail('The filter is empty');
    const node = this.orExpression();
    this.expectEnd('"and", "or" or the end of the filter');
    return node;
  }

  patchPath(): PatchPath {
    if (this.peek().kind === 'end') throw this.fail('The path is empty');
    const path = this.attributePath(this.next());
    if (this.peek().kind !== '[') {
      this.expectEnd('"[" or the end of the path');
      return { path };
    }
    const { filter, close } = this.valueFilter(path);
    const patchPath: PatchPath = { path, filter };
    if (this.peek().kind === '.') patchPath.subAttribute = this.trailingSubAttribute(close).name;
    this.expectEnd('"." or the end of the path');
    return patchPath;
  }

  attributeReference(): AttributePath {
    if (this.peek().kind === 'end') throw this.fail('The attribute name is empty');
    const path = this.attributePath(this.next());
    this.expectEnd('the end of the attribute name');
    return path;
  }

  // --- filter rules -----------------------------------------------------------------------------------------

  private orExpression(): FilterNode {
    let node = this.andExpression();
    while (this.atKeyword('or')) {
      this.next();
      node = { kind: 'or', left: node, right: this.andExpression() };
    }
    return node;
  }

  private andExpression(): FilterNode {
    let node = this.unary();
    while (this.atKeyword('and')) {
      this.next();
      node = { kind: 'and', left: node, right: this.unary() };
    }
    return node;
  }

  private unary(): FilterNode {
    const token = this.peek();
    if (token.kind === '(') return this.group();
    if (this.atKeyword('not')) {
      this.next();
      if (this.peek().kind !== '(') {
        throw this.fail(`Expected "(" after "not", found ${this.found()} (RFC 7644: not (filter))`);
      }
      return { kind: 'not', filter: this.group() };
    }
    if (token.kind === 'word') return this.attributeExpression();
    throw this.fail(`Expected an attribute name, "not" or "(", found ${this.found()}`);
  }

  private group(): FilterNode {
    const open = this.next();
    this.enter(open);
    const node = this.orExpression();
    const close = this.peek();
    if (close.kind !== ')') {
      throw this.fail(
        `Expected "and", "or" or ")" closing the "(" at ${describePosition(open.start)}, found ${this.found()}`
      );
    }
    this.next();
    this.depth -= 1;
    return node;
  }

  private attributeExpression(): FilterNode {
    const pathToken = this.next();
    const path = this.inValueFilter ? this.subAttributeName(pathToken) : this.attributePath(pathToken);
    if (this.peek().kind !== '[') return this.assertion(path, pathToken);

    const { filter, close } = this.valueFilter(path);
    if (this.peek().kind !== '.') return { kind: 'valuePath', path, filter };
    // Microsoft Entra ID sends `emails[type eq "work"].value eq "x"`, which RFC 7644 has no production for.
    // It means "the work email's value is x", so the same element must satisfy both parts.
    const { name, token } = this.trailingSubAttribute(close);
    const condition = this.assertion({ attribute: name }, token);
    return { kind: 'valuePath', path, filter: { kind: 'and', left: filter, right: condition } };
  }

  /** `attrPath "pr"` or `attrPath compareOp compValue`. */
  private assertion(path: AttributePath, pathToken: Token): FilterNode {
    const operator = this.peek();
    const word = operator.kind === 'word' ? operator.text.toLowerCase() : undefined;
    if (word === 'pr') {
      this.next();
      return { kind: 'present', path };
    }
    if (word !== undefined && COMPARE_OPERATORS.has(word)) {
      this.next();
      return { kind: 'compare', path, op: word as CompareOperator, value: this.compareValue(operator) };
    }
    if (word !== undefined) {
      throw this.fail(
        `Unknown operator "${operator.text}" at ${describePosition(operator.start)}; expected ${OPERATOR_LIST}`
      );
    }
    throw this.fail(`Expected an operator (${OPERATOR_LIST}) after "${pathToken.text}", found ${this.found()}`);
  }

  private compareValue(operator: Token): FilterValue {
    const token = this.peek();
    if (token.kind === 'string' || token.kind === 'number') {
      this.next();
      return token.value;
    }
    if (token.kind === 'word') {
      const literal = token.text.toLowerCase();
      if (literal === 'true' || literal === 'false' || literal === 'null') {
        this.next();
        return literal === 'null' ? null : literal === 'true';
      }
    }
    throw this.fail(
      `Expected a value ("string", number, true, false or null) after "${operator.text}", found ${this.found()}`
    );
  }

  /** `"[" valFilter "]"` after `path`; the filter's names are relative to an element of `path`. */
  private valueFilter(path: AttributePath): { filter: FilterNode; close: Token } {
    const open = this.next();
    if (this.inValueFilter) {
      throw this.fail(`Value filters cannot nest: "[" at ${describePosition(open.start)} is inside another "[…]"`);
    }
    if (path.subAttribute !== undefined) {
      throw this.fail(`"[" at ${describePosition(open.start)} must follow an attribute name, not a sub-attribute`);
    }
    this.enter(open);
    this.inValueFilter = true;
    if (this.peek().kind === ']') throw this.fail(`Empty value filter "[]" at ${describePosition(open.start)}`);
    const filter = this.orExpression();
    const close = this.peek();
    if (close.kind !== ']') {
      throw this.fail(
        `Expected "and", "or" or "]" closing the "[" at ${describePosition(open.start)}, found ${this.found()}`
      );
    }
    this.next();
    this.inValueFilter = false;
    this.depth -= 1;
    return { filter, close };
  }

  /** The `.subAttr` after `]`, written without spaces as RFC 7644 §3.5.2 `valuePath [subAttr]` is. */
  private trailingSubAttribute(close: Token): { name: string; token: Token } {
    const dot = this.next();
    const token = this.next();
    if (close.end !== dot.start) {
      throw this.fail(
        `Unexpected space before "." at ${describePosition(dot.start)}; write "].subAttribute" without spaces`
      );
    }
    if (token.start !== dot.end || token.kind !== 'word' || !isAttributeName(token.text)) {
      throw this.fail(`Expected a sub-attribute name right after "]." at ${describePosition(dot.start)}`);
    }
    return { name: token.text, token };
  }

  // --- shared pieces ----------------------------------------------------------------------------------------

  private attributePath(token: Token): AttributePath {
    if (token.kind !== 'word') {
      throw this.fail(`Expected an attribute name, found ${this.found(token)}`);
    }
    const result = splitAttributePath(token.text, this.knownUrns);
    if (!result.ok) {
      throw this.fail(`Invalid attribute name "${token.text}" at ${describePosition(token.start)}: ${result.reason}`);
    }
    return result.path;
  }

  private subAttributeName(token: Token): AttributePath {
    if (token.kind !== 'word' || !isAttributeName(token.text)) {
      throw this.fail(`Expected a sub-attribute name inside "[…]", found ${this.found(token)}`);
    }
    return { attribute: token.text };
  }

  private enter(open: Token): void {
    this.depth += 1;
    if (this.depth > MAX_NESTING_DEPTH) {
      throw this.fail(
        `The ${this.subject} nests deeper than ${MAX_NESTING_DEPTH} levels at ${describePosition(open.start)}`
      );
    }
  }

  private expectEnd(expected: string): void {
    const token = this.peek();
    if (token.kind === 'end') return;
    const problem =
      token.kind === ')' || token.kind === ']' ? `Unbalanced "${token.text}"` : `Unexpected ${quote(token)}`;
    throw this.fail(`${problem} at ${describePosition(token.start)}; expected ${expected}`);
  }

  private atKeyword(keyword: 'and' | 'or' | 'not'): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private peek(): Token {
    // The token list always ends with an `end` token, and `next` never moves past it.
    return this.tokens[this.index] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  /** The next token and where it is, for "found …" in messages. */
  private found(token: Token = this.peek()): string {
    return token.kind === 'end'
      ? `the end of the ${this.subject}`
      : `${quote(token)} at ${describePosition(token.start)}`;
  }
}

/** A token as written, shortened; strings already carry their quotes. */
function quote(token: Token): string {
  const text = token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text;
  return token.kind === 'string' ? text : `"${text}"`;
}
