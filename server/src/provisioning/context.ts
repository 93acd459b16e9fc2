/** What every SCIM request carries once authenticated: the caller's directory and token, and where it is served. */
export interface ScimRequestContext {
  directoryId: number;
  directoryName: string;
  tokenId: number;
  tokenName: string;
  /** Absolute base URL of the SCIM service, e.g. `https://cms.example.com/api/scim/v2`. */
  baseUrl: string;
}

export const userLocation = (context: ScimRequestContext, id: string) => `${context.baseUrl}/Users/${id}`;
export const groupLocation = (context: ScimRequestContext, id: string) => `${context.baseUrl}/Groups/${id}`;
