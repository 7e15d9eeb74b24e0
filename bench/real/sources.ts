// The real handwriting ground truth Quire's base model learns from: public repositories of
// page scans with line-level ALTO or PAGE XML (found through the HTR-United catalogue).
// Each entry pins the commit used and its licence; docs/real-data.md lists them with their
// page and line counts, and the model's credits follow from here.
//
// `role`: 'train' collections feed the base model (a few pages of each become its
// validation set); 'held-out' collections are other writers, never trained or tuned on:
// the few-labels experiment plays an archivist's project on them.
// HTR-United/CREMMA-AN-TestamentsDePoilus is reserved for the project's outside checks and
// must never appear here.

export interface RealSource {
  /** owner/name on GitHub; the checkout folder is `owner+name`. */
  repo: string;
  commit: string;
  licence: string;
  description: string;
  role: 'train' | 'held-out';
  /** Which of the repository's XML files to read, where a page is stored twice. */
  format: 'alto' | 'page';
  /** Text conventions of the collection that the shared normalisation must undo. */
  quirks?: Array<'caret-superscript' | 'struck-out-angles'>;
}

export const RESERVED_FOR_OUTSIDE_CHECKS = 'HTR-United/CREMMA-AN-TestamentsDePoilus';

export const REAL_SOURCES: RealSource[] = [
  {
    repo: 'HTR-United/lectaurep-repertoires',
    commit: '3d1c86cf5389265a1ce8b620301d36b4709eb435',
    licence: 'CC-BY-4.0',
    description: 'French notarial repertories 1830–1939, >10 hands',
    role: 'train',
    format: 'alto',
    quirks: ['caret-superscript'],
  },
  {
    repo: 'HTR-United/timeuscorpus',
    commit: 'df8ee63837dabe79c511e8aa748f465da5e2d5e5',
    licence: 'CC-BY-4.0',
    description: 'French labour-court registers 1858/1878',
    role: 'train',
    format: 'alto',
  },
  {
    repo: 'banq-dcn/Copiste-d-un-jour',
    commit: 'a3636d2e151b4312973cfb88438a0c4ccd1eb523',
    licence: 'CC-BY-4.0',
    description: 'Québec French 2024, 267 volunteer hands',
    role: 'train',
    format: 'alto',
    quirks: ['struck-out-angles'],
  },
  {
    repo: 'HTR-United/lectaurep-bronod',
    commit: '1b4ac12dfb41634538b1e7149dd62fd04d5d6dd8',
    licence: 'CC-BY-4.0',
    description: 'French notarial repertory 1742–45, 1 hand',
    role: 'train',
    format: 'alto',
    quirks: ['caret-superscript'],
  },
  {
    repo: 'HTR-United/CREMMA-MSS-18',
    commit: 'e4a89141807513b61c1f750d83da820314c777d8',
    licence: 'CC-BY-4.0',
    description: 'French 18th c. manuscripts',
    role: 'train',
    format: 'alto',
  },
  {
    repo: 'HTR-United/CREMMA-MSS-17',
    commit: '172906fdb73f671eff4eed696d5377189879b3c4',
    licence: 'CC-BY-4.0',
    description: 'French 17th c. manuscripts',
    role: 'train',
    format: 'alto',
  },
  {
    repo: 'FoNDUE-HTR/FONDUE-FR-MSS-18',
    commit: 'e07c45a6ca0a5ba6a479d216f6d3eaf17a458d76',
    licence: 'CC-BY-4.0',
    description: 'French 18th c. manuscripts',
    role: 'train',
    format: 'alto',
  },
  {
    repo: 'FoNDUE-HTR/FONDUE-FR-MSS-19',
    commit: 'ccba8184681ff7f80322d10bae01740d1179721b',
    licence: 'CC-BY-4.0',
    description: 'French 19th c. (Zola drafts, Mauritius registers)',
    role: 'train',
    format: 'alto',
  },
  {
    repo: 'HTRomance-Project/modern-roman-languages',
    commit: '4d14c1c6ac83dc034ad1da216470aa81817bee58',
    licence: 'CC-BY-4.0',
    description: 'French 17–18th c. letters and records',
    role: 'train',
    format: 'alto',
  },
  {
    repo: 'alix-tz/peraire-ground-truth',
    commit: '61b321ed05fc1d40e6c6e4351fd2162fd5bff478',
    licence: 'CC-BY-4.0',
    description: 'French 1928–1990 travel notes, 1 hand, pencil',
    role: 'held-out',
    format: 'alto',
  },
  {
    repo: 'HTR-United/CREMMA-MSS-19',
    commit: 'd8f466de72561cd989f957d75a6743c5d8f0a262',
    licence: 'CC-BY-4.0',
    description: 'French 19th c. manuscripts (Louise Michel, Zola …)',
    role: 'held-out',
    format: 'alto',
  },
];

export const checkoutName = (s: Pick<RealSource, 'repo'>) => s.repo.replace('/', '+');

/** The credits a base model trained on these sources carries: repository, pinned commit, licence. */
export const trainingCredits = () =>
  REAL_SOURCES.filter((s) => s.role === 'train').map((s) => `${s.repo}@${s.commit.slice(0, 12)} (${s.licence})`);
