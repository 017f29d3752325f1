/** The UI's download of one file of a model version (`/model-versions/get-artifact?name=&version=&path=`), from the version's files. */
import type { ArtifactRepository } from '../../artifacts/artifact-repository.js';
import { repositoryPathOf } from '../../artifacts/artifact-uri.js';
import { safeArtifactPath } from '../../artifacts/safe-artifact-path.js';
import type { RegistryService } from '../../registry/registry-service.js';
import type { Route } from '../router.js';
import { missing } from '../schema.js';
import { joinPath, sendArtifact } from './artifact-routes.js';

export function modelVersionArtifactRoute(registry: RegistryService, artifacts: ArtifactRepository): Route {
  return {
    method: 'GET',
    pattern: '/model-versions/get-artifact',
    handler: async (r) => {
      const path = r.query.get('path');
      if (path === null) throw missing('path');
      const relative = safeArtifactPath(path);
      const root = await registry.getDownloadUri(r.query.get('name') ?? '', r.query.get('version') ?? '');
      return sendArtifact(r.res, artifacts, joinPath(repositoryPathOf(root, artifacts.localFolder), relative));
    },
  };
}
