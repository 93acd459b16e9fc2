/** A small HTTP client for the tests: JSON in, status/headers/JSON out, nothing hidden. */

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
  rawBody?: string;
}

export async function request<T = any>(method: string, url: string, body?: unknown, options: RequestOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.rawBody !== undefined) payload = options.rawBody;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/scim+json';
  const response = await fetchRetryingReset(url, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
  const text = await response.text();
  let parsed: any = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

const SAFE_TO_REPEAT = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * fetch, tried once more when a read's connection was reset before any answer. Node's fetch
 * reuses keep-alive connections, and on a loaded machine it can send on one the server is closing at that moment
 * (its keep-alive timeout): the request never reached the application, so a read can simply be repeated.
 * Writes are never repeated — a test must see exactly what it sent once.
 */
async function fetchRetryingReset(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (!SAFE_TO_REPEAT.has(String(init.method).toUpperCase()) || (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET')) throw error;
    return fetch(url, init);
  }
}

/** A SCIM client bound to one base URL and token. */
export function scimClient(baseUrl: string, token: string | null) {
  const call = (method: string, path: string, body?: unknown, options: RequestOptions = {}) =>
    request(method, `${baseUrl}${path}`, body, { token, ...options });
  return {
    get: (path: string, options?: RequestOptions) => call('GET', path, undefined, options),
    post: (path: string, body: unknown, options?: RequestOptions) => call('POST', path, body, options),
    put: (path: string, body: unknown, options?: RequestOptions) => call('PUT', path, body, options),
    patch: (path: string, body: unknown, options?: RequestOptions) => call('PATCH', path, body, options),
    delete: (path: string, options?: RequestOptions) => call('DELETE', path, undefined, options),
  };
}

export type ScimClient = ReturnType<typeof scimClient>;
