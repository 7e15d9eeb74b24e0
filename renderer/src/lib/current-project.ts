// The open project's path, for keys of what the renderer keeps in localStorage (drafts):
// line ids repeat across projects, so a draft must never be offered in another project.
let path = '';

export const setCurrentProject = (p: string) => {
  path = p;
};
export const projectKey = () => path;
