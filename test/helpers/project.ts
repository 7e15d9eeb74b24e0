import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../../main/project/project.ts';

export function tempDir(prefix = 'quire-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function newProject(): Project {
  return Project.init(join(tempDir(), 'project'));
}
