// The SVG namespace for document.createElementNS, as a literal type so that TypeScript knows which element
// each call makes.
export const SVG_NS = "http://www.w3.org/2000/svg";
