// The path of the project this window shows: the key of what the renderer keeps in
// localStorage (drafts), and sent with every call (lib/transport.ts), which the app refuses
// once another window has opened another project: line ids repeat across projects, so
// neither a draft nor a save may ever reach another project's line.
let path = '';

export const setCurrentProject = (p: string) => {
  path = p;
};
export const projectKey = () => path;
