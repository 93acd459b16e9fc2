/**
 * Entity tags for SCIM resources (RFC 7644 §3.14): `meta.version` is a weak ETag derived from the stored
 * version counter, and the same value guards conditional requests.
 *
 * Comparison is RFC 7232 §2.3.2 *weak* comparison for both If-Match and If-None-Match. RFC 7232 asks for
 * strong comparison on If-Match, but SCIM versions are weak tags by design (RFC 7644 §3.14 examples send
 * `If-Match: W/"…"`), so strong comparison would reject every conditional write.
 */
import { scimErrors } from './errors';

export const weakEtag = (version: number): string => `W/"${version}"`;

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/**
 * Parses an If-Match / If-None-Match header value into `*` or a list of tags. Tolerates unquoted tags
 * (`W/3`, `3`) from lenient clients; a comma inside quotes belongs to the tag (RFC 7232 etagc allows it).
 */
export function parseEntityTags(header: string): '*' | EntityTag[] {
  const text = header.trim();
  if (text === '*') return '*';
  const tags: EntityTag[] = [];
  let index = 0;
  while (index < text.length) {
    while (index < text.length && (text[index] === ',' || text[index] === ' ' || text[index] === '\t')) index++;
    if (index >= text.length) break;
    let weak = false;
    if (text.startsWith('W/', index) || text.startsWith('w/', index)) {
      weak = true;
      index += 2;
    }
    let opaque: string;
    if (text[index] === '"') {
      const end = text.indexOf('"', index + 1);
      opaque = end === -1 ? text.slice(index + 1) : text.slice(index + 1, end);
      index = end === -1 ? text.length : end + 1;
    } else {
      const end = text.indexOf(',', index);
      opaque = (end === -1 ? text.slice(index) : text.slice(index, end)).trim();
      index = end === -1 ? text.length : end;
    }
    if (opaque === '*' && !weak) return '*';
    tags.push({ weak, opaque });
  }
  return tags;
}

/** RFC 7232 §2.3.2 weak comparison: the opaque parts are equal, whatever the W/ prefixes. */
function weakMatch(header: string, current: string): boolean {
  const tags = parseEntityTags(header);
  if (tags === '*') return true;
  const currentTags = parseEntityTags(current);
  const currentTag = currentTags === '*' ? undefined : currentTags[0];
  if (!currentTag) return false;
  return tags.some((tag) => tag.opaque === currentTag.opaque);
}

/**
 * Throws 412 when an If-Match header does not match the current version (RFC 7644 §3.14). An absent or
 * blank header means the client did not ask for a precondition.
 */
export function checkIfMatch(header: string | undefined, current: string): void {
  if (header === undefined || header.trim() === '') return;
  if (!weakMatch(header, current)) {
    throw scimErrors.preconditionFailed(`The resource has changed: its version is ${current}`);
  }
}

/** True when If-None-Match names the current version (or `*`): a GET may answer 304 Not Modified. */
export function isNotModified(ifNoneMatch: string | undefined, current: string): boolean {
  if (ifNoneMatch === undefined || ifNoneMatch.trim() === '') return false;
  return weakMatch(ifNoneMatch, current);
}
