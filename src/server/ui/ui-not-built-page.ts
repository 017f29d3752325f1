/**
 * The page served at every UI path when the web UI has not been built (no index.html in the web
 * root). No inline styles: the UI's Content-Security-Policy (security-headers.ts) refuses them.
 */
export function uiNotBuiltPage(webRoot: string): string {
  const escaped = webRoot.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Aviary: web UI not built</title><link rel="icon" href="data:,"></head>
<body>
<h1>The web UI is not built</h1>
<p>This server found no <code>index.html</code> in <code>${escaped}</code>.
Build it with <code>npm run build</code> (the set-up runs it), then reload this page.</p>
<p>The API is served all the same, under <code>/api/2.0/mlflow/</code>.</p>
</body></html>
`;
}
