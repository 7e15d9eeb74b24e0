// Who may call what on a team server (`quire serve`): each API method's minimum role. The
// dispatcher enforces it for server sessions (main/api/dispatch.ts); the desktop app and the
// `quire` command act as the project's owner and may call everything. The renderer reads the
// same table to disable the controls a role may not use.
//
// transcriber < reviewer < admin. 'owner' marks what no server account may call: the methods
// that name paths on the server's own disk (opening or creating projects, importing or
// exporting by path). A server imports through uploads and exports as downloads instead,
// which are checked as 'upload' (admin) and 'export' (reviewer) below.
import type { Method } from './api.ts';

export const ROLES = ['transcriber', 'reviewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Requirement = Role | 'owner';

/** Who makes a call on a team server: a signed-in account. */
export interface Caller {
  name: string;
  role: Role;
}

const T = 'transcriber';
const R = 'reviewer';
const A = 'admin';
const OWNER = 'owner';

export const METHOD_ROLES: Record<Method, Requirement> = {
  // Reading: everyone.
  projectInfo: T,
  listDocuments: T,
  listPages: T,
  getPage: T,
  lineHistory: T,
  search: T,
  listModels: T,
  listJobs: T,
  listModelVersions: T,
  listReadings: T,
  listSegmenters: T,
  projectSettings: T,
  suggestLines: T,
  reviewLines: T,
  undoState: T,
  // Editing transcriptions, lines and regions of a page (finding lines on a page included).
  saveTranscription: T,
  updateLineGeometry: T,
  addLine: T,
  deleteLine: T,
  mergeLines: T,
  splitLine: T,
  moveLine: T,
  addRegion: T,
  updateRegion: T,
  deleteRegion: T,
  moveRegion: T,
  sortRegionLines: T,
  segmentPages: T,
  segmentRegion: T,
  undo: T,
  redo: T,
  // Reviewing: the training data, jobs (transcription, training, evaluation) and models.
  setSplit: R,
  startTraining: R,
  startTranscription: R,
  startEvaluation: R,
  startSegmenterTraining: R,
  cancelJob: R,
  resumeJob: R,
  addBaseModel: R,
  renameModel: R,
  setCurrentModel: R,
  rememberTrainingChoices: R,
  listRemovedDocuments: R,
  // Managing the project.
  deleteModel: A,
  renameDocument: A,
  removeDocument: A,
  restoreDocument: A,
  // Paths on the server's disk.
  openProject: OWNER,
  createProject: OWNER,
  importFiles: OWNER,
  importLineFolder: OWNER,
  exportDocuments: OWNER,
  exportModel: OWNER,
  importModel: OWNER,
};

/** The server's own routes beside the API: POST /upload imports, POST /export downloads a zip. */
export const ROUTE_ROLES = { upload: A, export: R } as const satisfies Record<string, Role>;

const RANK: Record<Requirement, number> = { transcriber: 0, reviewer: 1, admin: 2, owner: 3 };

/** Whether an account of `role` may do what needs `needed`. */
export const allows = (role: Role, needed: Requirement): boolean => RANK[role] >= RANK[needed];

/** Why a role may not do it, for a refusal and a control's tooltip. */
export function refusal(role: Role, needed: Requirement, what: string): string {
  return needed === 'owner'
    ? `${what} works on the server's own files: it is for the desktop app and the quire command only`
    : `${what} needs the ${needed} role (you are a ${role})`;
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
