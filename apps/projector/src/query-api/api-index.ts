import type { OpenAPIObject } from '@nestjs/swagger';

/** One route of the API, as its OpenAPI operation describes it. */
export interface ApiEndpoint {
  readonly method: string;
  readonly path: string;
  readonly summary: string;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * What `GET /api` lists: every route of the served OpenAPI document, so the index cannot drift
 * from the routes (it is filled from the document once the application has been built).
 */
export class ApiIndex {
  private endpoints: readonly ApiEndpoint[] = [];

  describe(document: OpenAPIObject): void {
    this.endpoints = Object.entries(document.paths).flatMap(([path, item]) =>
      methods.flatMap((method) => {
        const operation = item[method];
        return operation ? [{ method: method.toUpperCase(), path, summary: operation.summary ?? '' }] : [];
      }),
    );
  }

  list(): readonly ApiEndpoint[] {
    return this.endpoints;
  }
}
