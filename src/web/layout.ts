import type { Response } from 'express';
import { type Html, type HtmlValue, html } from './html.js';

export interface PageShell {
  /** The document title: what the page is, then the brand. */
  title: string;
  /** The seller as the buyer knows them (the brand's name). */
  brand?: string | undefined;
  theme?: 'light' | 'dark' | 'system' | undefined;
  body: HtmlValue;
}

/** Every page: one stylesheet and one script from this server, a test-mode badge, a single <main>. */
export function page({ title, brand, theme, body }: PageShell): Html {
  const themeAttr = theme === 'light' || theme === 'dark' ? theme : null;
  return html`<!doctype html>
<html lang="en"${themeAttr === null ? '' : html` data-theme="${themeAttr}"`}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title}${brand ? ` · ${brand}` : ''}</title>
<link rel="stylesheet" href="/assets/pages.css">
<script src="/assets/pages.js" defer></script>
</head>
<body>
<main>
<header class="brand"><h1>${brand ?? 'billing-mcp'}</h1><span class="test-mode" title="No real money moves: test cards only">Test mode</span></header>
${body}
</main>
</body>
</html>`;
}

/** A page that only says something: an expired link, a consumed session, a page that does not exist. */
export function messagePage(title: string, message: HtmlValue, brand?: string): Html {
  return page({ title, brand, body: html`<section class="card"><h2>${title}</h2><p>${message}</p></section>` });
}

/** Answers with a page: every page response goes through here. */
export function sendPage(res: Response, status: number, body: Html): void {
  res.status(status).type('html').send(body.text);
}
