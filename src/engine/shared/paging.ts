/** Lists are paged as in the Dodo API: page_number from 0, page_size 1–100 (default 20). */
export interface PageRequest {
  page_size?: number | undefined;
  page_number?: number | undefined;
}

export interface Page<T> {
  items: T[];
  page_number: number;
  page_size: number;
  /** True when a later page holds more items. */
  has_more: boolean;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageWindow {
  page_number: number;
  page_size: number;
  offset: number;
  /** One more than the page size, so a repo can tell whether more exist without counting. */
  fetch: number;
}

export function pageWindow(request: PageRequest = {}): PageWindow {
  const page_size = Math.min(Math.max(Math.trunc(request.page_size ?? DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE);
  const page_number = Math.max(Math.trunc(request.page_number ?? 0), 0);
  return { page_number, page_size, offset: page_number * page_size, fetch: page_size + 1 };
}

/** Turns the `fetch` rows a repo returned into a page. */
export function toPage<T>(window: PageWindow, rows: T[]): Page<T> {
  return {
    items: rows.slice(0, window.page_size),
    page_number: window.page_number,
    page_size: window.page_size,
    has_more: rows.length > window.page_size,
  };
}

/** Pages a list already in memory (a collection's few dozen items). */
export function pageOf<T>(all: T[], request: PageRequest = {}): Page<T> {
  const window = pageWindow(request);
  return toPage(window, all.slice(window.offset, window.offset + window.fetch));
}
