/**
 * The pages' only stylesheet and script, served by this server at /assets/… (no CDN, no remote fonts:
 * the pages work offline). System fonts; light and dark follow the buyer's system or the session's theme.
 */
export const PAGES_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --bg: #f6f7f9; --card: #fff; --line: #dfe3e8;
  --accent: #2f5bea; --accent-fg: #fff; --bad: #b42318; --bad-bg: #fdecea; --ok: #067647; --ok-bg: #e7f6ee; }
@media (prefers-color-scheme: dark) { :root:not([data-theme=light]) { --fg: #e8eaed; --muted: #a3abb5; --bg: #111418;
  --card: #1a1f25; --line: #2e353d; --accent: #7c9cff; --accent-fg: #0b0e12; --bad: #ff8a80; --bad-bg: #3a1614;
  --ok: #6fd3a0; --ok-bg: #10291d; } }
:root[data-theme=dark] { --fg: #e8eaed; --muted: #a3abb5; --bg: #111418; --card: #1a1f25; --line: #2e353d;
  --accent: #7c9cff; --accent-fg: #0b0e12; --bad: #ff8a80; --bad-bg: #3a1614; --ok: #6fd3a0; --ok-bg: #10291d; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 960px; margin: 0 auto; padding: 24px 16px 48px; }
header.brand { display: flex; align-items: baseline; gap: 12px; margin-bottom: 16px; }
header.brand h1 { font-size: 1.4rem; margin: 0; }
header.brand .test-mode { font-size: .75rem; padding: 2px 8px; border-radius: 999px; background: #fff4d6; color: #7a4b00; }
.grid { display: grid; grid-template-columns: 1fr 340px; gap: 20px; align-items: start; }
@media (max-width: 760px) { .grid { grid-template-columns: 1fr; } }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin-bottom: 16px; }
section.card h2 { font-size: 1.05rem; margin: 0 0 12px; }
fieldset { border: 0; padding: 0; margin: 0 0 12px; }
legend { font-weight: 600; margin-bottom: 6px; padding: 0; }
label { display: block; font-size: .9rem; color: var(--muted); margin: 8px 0 4px; }
label.choice { display: flex; gap: 10px; align-items: flex-start; color: var(--fg); padding: 10px 12px; border: 1px solid var(--line);
  border-radius: 8px; margin: 6px 0; cursor: pointer; }
label.choice:has(input:checked) { border-color: var(--accent); box-shadow: 0 0 0 1px var(--accent); }
label.choice .price { margin-left: auto; font-weight: 600; white-space: nowrap; }
input[type=text], input[type=email], input[type=tel], input[type=number], select { width: 100%; padding: 8px 10px; font: inherit; color: var(--fg);
  background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
input:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.row { display: flex; gap: 10px; } .row > * { flex: 1; }
button { font: inherit; padding: 9px 16px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); font-weight: 600; width: 100%; padding: 12px; margin-top: 12px; }
button.link { border: 0; background: none; color: var(--accent); padding: 0; text-decoration: underline; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr:has(button) td { vertical-align: middle; }
tr.total td { font-weight: 700; border-bottom: 0; }
.muted { color: var(--muted); font-size: .9rem; }
.notice { padding: 10px 12px; border-radius: 8px; margin: 0 0 12px; border: 1px solid var(--line); }
.notice.error { background: var(--bad-bg); color: var(--bad); }
.notice.ok { background: var(--ok-bg); color: var(--ok); }
.badge { display: inline-block; font-size: .75rem; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--line); }
nav.tabs { display: flex; gap: 16px; margin: 0 0 16px; flex-wrap: wrap; }
nav.tabs a { color: var(--fg); text-decoration: none; padding-bottom: 4px; }
nav.tabs a[aria-current=page] { border-bottom: 2px solid var(--accent); font-weight: 600; }
form.inline { display: inline; }
.actions { display: flex; gap: 10px; flex-wrap: wrap; align-items: center; }
a.button { display: inline-block; padding: 9px 16px; border-radius: 6px; border: 1px solid var(--line); background: var(--card); color: var(--fg); text-decoration: none; }
nav.tabs a.back { margin-left: auto; color: var(--accent); }
code.key { font: 600 1rem ui-monospace, SFMono-Regular, Menlo, monospace; letter-spacing: .04em; word-break: break-all; }
section.card h3 { font-size: .95rem; margin: 16px 0 6px; }
input[readonly] { opacity: .7; }
a { color: var(--accent); }
.row > button { flex: 0 0 auto; }
dl.known { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 12px; }
dl.known dt { color: var(--muted); } dl.known dd { margin: 0; overflow-wrap: anywhere; }
.line-head { display: flex; justify-content: space-between; gap: 12px; margin: 0; }
.applied { display: flex; align-items: center; justify-content: space-between; gap: 12px; }
.applied .notice { margin: 0; flex: 1; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/**
 * Progressive enhancement only: every form works without it. A control marked data-autosubmit submits
 * its form when changed (picking another plan re-prices the page), so no "Update" click is needed.
 */
export const PAGES_JS = `
document.addEventListener('change', function (event) {
  var target = event.target;
  if (target instanceof HTMLElement && target.hasAttribute('data-autosubmit') && target.form) {
    var button = target.form.querySelector('[data-autosubmit-button]');
    if (button) button.click(); else target.form.requestSubmit();
  }
});
for (const node of document.querySelectorAll('[data-noscript-only]')) node.hidden = true;
`;
