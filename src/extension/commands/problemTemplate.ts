// What `Bilevel: New Problem File` writes. The text lives in src/common so that `bilevel init` (CLI)
// scaffolds the very same file.
export { PROBLEM_TEMPLATE, problemFileName } from '../../common/problemTemplate';
