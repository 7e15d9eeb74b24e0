// A new empty project served in browser mode for the tests of one file: started before them,
// closed after. The fields are filled once `before` has run.
import { after, before } from 'node:test';
import { join } from 'node:path';
import { serveProject } from '../../main/app/browser-mode.ts';
import { Project } from '../../main/project/project.ts';
import { tempDir } from './project.ts';

export interface ServedProject {
  app: Awaited<ReturnType<typeof serveProject>>;
  /** http://127.0.0.1:PORT */
  base: string;
  token: string;
}

export function useServedProject(): ServedProject {
  const served = {} as ServedProject;
  before(async () => {
    const dir = join(tempDir(), 'p');
    Project.init(dir).close();
    served.app = await serveProject(dir);
    served.base = `http://127.0.0.1:${served.app.server.port}`;
    served.token = served.app.server.token;
  });
  after(() => served.app.close());
  return served;
}
