/**
 * Page-number pagination as GitHub does it: `per_page` (default 30, capped at 100), `page`
 * (from 1), and a `Link` header with rel prev/next/last/first built from the request's own URL.
 */
export interface PageRequest {
  readonly per_page?: string | undefined;
  readonly page?: string | undefined;
}

export interface Page<T> {
  readonly items: T[];
  /** The `Link` header value, absent when everything fits on one page. */
  readonly link: string | undefined;
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = value === undefined ? NaN : Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** `requestUrl` is the absolute URL the client called; other query parameters are kept. */
export function paginate<T>(all: readonly T[], query: PageRequest, requestUrl: URL): Page<T> {
  const perPage = Math.min(100, positiveInt(query.per_page, 30));
  const page = positiveInt(query.page, 1);
  const lastPage = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const href = (n: number): string => {
    const url = new URL(requestUrl);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${href(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) links.push(`<${href(page + 1)}>; rel="next"`, `<${href(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${href(1)}>; rel="first"`);
  return { items, link: links.length > 0 ? links.join(", ") : undefined };
}
