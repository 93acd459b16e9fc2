/**
 * Writes a filter AST back as filter text, for logs and error messages.
 *
 * The output is canonical RFC 7644 §3.4.2.2 syntax (lower-case keywords, JSON values, Entra's
 * `emails[type eq "work"].value eq "x"` written as `emails[type eq "work" and value eq "x"]`), and
 * `parseFilter(formatFilter(node))` gives back `node`: parentheses are added exactly where precedence
 * and left-associativity would otherwise regroup the tree.
 */
import type { FilterNode, FilterValue } from './ast';
import { formatAttributePath } from './attribute-path';

export function formatFilter(node: FilterNode): string {
  switch (node.kind) {
    case 'compare':
      return `${formatAttributePath(node.path)} ${node.op} ${formatValue(node.value)}`;
    case 'present':
      return `${formatAttributePath(node.path)} pr`;
    case 'not':
      return `not (${formatFilter(node.filter)})`;
    case 'valuePath':
      return `${formatAttributePath(node.path)}[${formatFilter(node.filter)}]`;
    case 'and':
    case 'or': {
      // `and` binds tighter than `or`; both associate to the left, so a right operand of equal
      // precedence needs parentheses, and so does an `or` under an `and` on either side.
      const left = needsParentheses(node.left, node.kind, 'left')
        ? `(${formatFilter(node.left)})`
        : formatFilter(node.left);
      const right = needsParentheses(node.right, node.kind, 'right')
        ? `(${formatFilter(node.right)})`
        : formatFilter(node.right);
      return `${left} ${node.kind} ${right}`;
    }
  }
}

function needsParentheses(child: FilterNode, parent: 'and' | 'or', side: 'left' | 'right'): boolean {
  if (child.kind !== 'and' && child.kind !== 'or') return false;
  if (parent === 'and' && child.kind === 'or') return true;
  return side === 'right';
}

function formatValue(value: FilterValue): string {
  // JSON.stringify writes -0 as "0"; "-0" is valid JSON and reads back as -0.
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  // Non-finite numbers have no JSON form; they cannot come from the parser, only from hand-built trees.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}
