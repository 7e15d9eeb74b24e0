// The project an app (a window, or the browser-mode server) has open, and switching it.
// The service table handed to the transports delegates every call to the current
// project's service; opening or creating another project first stops the current one's
// job runner (a running job checkpoints and stays resumable) and closes its database.
// Each project's undo history lives as long as the app: switching away and back keeps it. A
// team server (`quire serve DIR`) keeps one per account (UndoHistories.perAccount).
import { schemas, type Method, type ProjectApi, type QuireApi, type QuireEvent } from '../../shared/api.ts';
import { createService } from '../api/service.ts';
import { createDispatcher, type Dispatcher } from '../api/dispatch.ts';
import { JobRunner } from '../jobs/runner.ts';
import { Project } from '../project/project.ts';
import { UndoHistories, UndoStack } from '../edits/undo-stack.ts';

interface Open {
  project: Project;
  runner: JobRunner;
  service: ProjectApi;
}

export class ProjectHost {
  private current: Open;
  private readonly histories = new Map<string, UndoHistories>();

  /** `newHistories`: a project's undo history when it is first opened (one for everyone, by default). */
  constructor(
    dir: string,
    private readonly emit: (e: QuireEvent) => void,
    private readonly newHistories: () => UndoHistories = () => UndoHistories.single(new UndoStack()),
  ) {
    this.current = this.load(Project.open(dir));
  }

  get project(): Project {
    return this.current.project;
  }

  private load(project: Project): Open {
    const runner = new JobRunner(project, this.emit);
    const history = this.histories.get(project.root) ?? this.newHistories();
    this.histories.set(project.root, history);
    return { project, runner, service: createService(project, this.emit, runner, history) };
  }

  private async switchTo(open: () => Project) {
    // Open (or create) the new one first: a bad path leaves the current project open.
    const next = open();
    const previous = this.current;
    await previous.runner.stop();
    previous.project.close();
    this.current = this.load(next);
    this.emit({ type: 'project-changed' });
    return this.current.service.projectInfo({});
  }

  /** The table the transports serve. */
  api(): QuireApi {
    const table: Record<string, (request: never) => Promise<unknown>> = {};
    for (const method of Object.keys(schemas) as Method[]) {
      if (method === 'openProject' || method === 'createProject') continue;
      table[method] = (request) => (this.current.service[method] as (r: never) => Promise<unknown>)(request);
    }
    table.openProject = ({ path }: { path: string }) => this.switchTo(() => Project.open(path));
    table.createProject = ({ path }: { path: string }) => this.switchTo(() => Project.init(path));
    return table as unknown as QuireApi;
  }

  /** What the transports call: the table behind the one validation and error shape. */
  dispatcher(): Dispatcher {
    return createDispatcher(this.api(), { openProject: () => this.current.project.root });
  }

  async close(): Promise<void> {
    await this.current.runner.stop();
    this.current.project.close();
  }
}
