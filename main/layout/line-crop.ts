// Cutting a line out of a page is image work: it lives in main/images/line-crop.ts, below
// the project and layout folders that both use it.
export { cropLine, type PagePixels } from '../images/line-crop.ts';
