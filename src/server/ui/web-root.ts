import { fileURLToPath } from 'node:url';

/**
 * Where the built web UI is: dist/web. From the sources (tsx, vitest) this module sits in
 * src/server/ui/; in the esbuild bundle it runs from dist/aviary.js, beside dist/web/.
 */
export function defaultWebRoot(): string {
  const bundled = import.meta.url.endsWith('/dist/aviary.js');
  return fileURLToPath(new URL(bundled ? './web/' : '../../../dist/web/', import.meta.url));
}
