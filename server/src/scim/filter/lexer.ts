/**
 * Tokens of the SCIM filter and PATCH path languages (RFC 7644 §3.4.2.2 Figure 1, §3.5.2).
 *
 * The lexer only cuts the text into pieces; it gives no meaning to words. `eq`, `and`, `not`, `true` and
 * attribute names all arrive as `word` tokens, and the parser decides from their position what they are,
 * because the RFC keywords are case-insensitive and could otherwise collide with attribute names.
 *
 * A word is `ALPHA / "$"` followed by letters, digits, `_ - $ : .`, which covers `userName`, `name.givenName`,
 * `$ref` and whole URN-qualified names (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`)
 * in one token. A `.` that cannot start a word is a token of its own: it only appears after `]`, as in
 * `emails[type eq "work"].value`.
 */
import type { ScimError } from '../errors';

/** Builds the error for a syntax problem; the parser picks invalidFilter or invalidPath. */
export type SyntaxFailure = (detail: string) => ScimError;

interface TokenBase {
  /** The token as written (strings with their quotes). */
  text: string;
  /** Offset of the first character, 0-based. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

export type Token =
  | (TokenBase & { kind: 'word' })
  | (TokenBase & { kind: 'string'; value: string })
  | (TokenBase & { kind: 'number'; value: number })
  | (TokenBase & { kind: '(' | ')' | '[' | ']' | '.' | 'end' });

/** Human positions are 1-based, as editors count columns. */
export const describePosition = (offset: number): string => `character ${offset + 1}`;

const PUNCTUATION = new Set(['(', ')', '[', ']', '.']);
const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const isWordStart = (char: string) => /^[A-Za-z$]$/.test(char);
const isWordPart = (char: string) => /^[A-Za-z0-9_$:.-]$/.test(char);
/** JSON number (RFC 8259 §6); the sticky flag anchors it at `lastIndex`. */
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** JSON string escapes (RFC 8259 §7) other than `\u`. */
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Shows a character in a message, spelling out the invisible ones. */
const showCharacter = (char: string): string => {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || /\s/.test(char)
    ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : `"${char}"`;
};

/** Cuts `source` into tokens, ending with an `end` token. Throws `fail(...)` on the first malformed piece. */
export function tokenize(source: string, fail: SyntaxFailure): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < source.length) {
    const char = source.charAt(offset);
    if (WHITESPACE.has(char)) {
      offset += 1;
    } else if (PUNCTUATION.has(char)) {
      tokens.push({ kind: char as '(' | ')' | '[' | ']' | '.', text: char, start: offset, end: offset + 1 });
      offset += 1;
    } else if (char === '"') {
      const token = readString(source, offset, fail);
      tokens.push(token);
      offset = token.end;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const token = readNumber(source, offset, fail);
      tokens.push(token);
      offset = token.end;
    } else if (isWordStart(char)) {
      let end = offset + 1;
      while (end < source.length && isWordPart(source.charAt(end))) end += 1;
      tokens.push({ kind: 'word', text: source.slice(offset, end), start: offset, end });
      offset = end;
    } else {
      const whole = String.fromCodePoint(source.codePointAt(offset) ?? 0);
      throw fail(`Unexpected character ${showCharacter(whole)} at ${describePosition(offset)}`);
    }
  }
  tokens.push({ kind: 'end', text: '', start: source.length, end: source.length });
  return tokens;
}

/** A JSON string (RFC 7644 §3.4.2.2: compValue strings are JSON strings, RFC 8259 §7). */
function readString(source: string, start: number, fail: SyntaxFailure): Token {
  const parts: string[] = [];
  let offset = start + 1;
  let runStart = offset;
  while (offset < source.length) {
    const char = source.charAt(offset);
    if (char === '"') {
      parts.push(source.slice(runStart, offset));
      return { kind: 'string', text: source.slice(start, offset + 1), value: parts.join(''), start, end: offset + 1 };
    }
    if (char < ' ') {
      throw fail(`Unescaped control character ${showCharacter(char)} in the string at ${describePosition(offset)}`);
    }
    if (char !== '\\') {
      offset += 1;
      continue;
    }
    parts.push(source.slice(runStart, offset));
    const escape = source.charAt(offset + 1);
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      parts.push(simple);
      offset += 2;
    } else if (escape === 'u' && /^[0-9A-Fa-f]{4}$/.test(source.slice(offset + 2, offset + 6))) {
      // Each \uXXXX is one UTF-16 code unit; surrogate pairs come as two escapes and join up by themselves.
      const code = parseInt(source.slice(offset + 2, offset + 6), 16);
      // No stored value holds U+0000 (PostgreSQL cannot store it, and refuses it as a query parameter).
      if (code === 0) throw fail(`"\\u0000" in the string at ${describePosition(offset)} is not accepted`);
      parts.push(String.fromCharCode(code));
      offset += 6;
    } else if (offset + 1 >= source.length) {
      break;
    } else {
      const shown = escape === 'u' ? source.slice(offset, offset + 6) : `\\${escape}`;
      throw fail(`Invalid escape sequence "${shown}" in the string at ${describePosition(offset)}`);
    }
    runStart = offset;
  }
  throw fail(`Unterminated string starting at ${describePosition(start)}`);
}

function readNumber(source: string, start: number, fail: SyntaxFailure): Token {
  NUMBER.lastIndex = start;
  const match = NUMBER.exec(source);
  const end = start + (match?.[0].length ?? 0);
  // `01`, `1.`, `1x`, a lone `-`: the JSON grammar stops early, so whatever follows must not continue the token.
  if (!match || (end < source.length && isWordPart(source.charAt(end)))) {
    let stop = end;
    while (stop < source.length && isWordPart(source.charAt(stop))) stop += 1;
    const shown = source.slice(start, Math.max(stop, start + 1));
    throw fail(`Malformed number "${shown}" at ${describePosition(start)}`);
  }
  const text = match[0];
  const value = Number(text);
  if (!Number.isFinite(value)) throw fail(`Number ${text} at ${describePosition(start)} is out of range`);
  return { kind: 'number', text, value, start, end };
}
