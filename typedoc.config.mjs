// TypeDoc configuration of `pnpm docs`: one static site in docs/api with a module per public
// package (its README as the module page, its docstrings as the reference), the root README
// as the front page, and ARCHITECTURE.md as a project document.
//
// The build fails on any validation warning (treatValidationWarningsAsErrors): an exported
// symbol, option property or public member without a docstring (notDocumented; a member that
// overrides or implements a documented one inherits its docstring), a public signature naming a
// type that is not exported (notExported: export it, mark it `@inline`, or list it in that
// package's typedoc.json `intentionallyNotExported`), a broken {@link} (invalidLink). Relative
// paths in the READMEs are not checked (invalidPath): their links to directories are meant for
// readers of the repository, and TypeDoc copies only files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const publicPackages = readdirSync('packages')
  .filter((d) => existsSync(`packages/${d}/package.json`))
  .filter((d) => !JSON.parse(readFileSync(`packages/${d}/package.json`, 'utf8')).private)
  .sort()
  .map((d) => `packages/${d}`);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'densityjs',
  entryPointStrategy: 'packages',
  entryPoints: publicPackages,
  packageOptions: {
    entryPoints: ['src/index.ts'],
    tsconfig: 'tsconfig.build.json',
    excludePrivate: true,
    excludeInternal: true,
    validation: { notExported: true, invalidLink: true, notDocumented: true, invalidPath: false },
  },
  readme: 'README.md',
  projectDocuments: existsSync('ARCHITECTURE.md') ? ['ARCHITECTURE.md'] : [],
  out: 'docs/api',
  includeVersion: false,
  excludePrivate: true,
  excludeInternal: true,
  sort: ['kind', 'instance-first', 'alphabetical-ignoring-documents'],
  validation: { notExported: true, invalidLink: true, notDocumented: true, invalidPath: false },
  treatValidationWarningsAsErrors: true,
  sourceLinkTemplate: 'https://github.com/densityjs/densityjs/blob/{gitRevision}/{path}#L{line}',
  // Bare URLs with a scheme still become links, but not file names such as CHANGELOG.md (.md is
  // a top-level domain, so markdown-it's fuzzy linkify would make it http://CHANGELOG.md).
  markdownItLoader(parser) {
    parser.linkify.set({ fuzzyLink: false });
  },
};
