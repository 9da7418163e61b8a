// pnpm hooks. `beforePacking` shapes the package.json that `pnpm pack` / `pnpm publish` (and so
// `changeset publish`) put in a tarball: devDependencies (test tools, the private
// @densityjs/testing) and scripts mean nothing to a user and are left out.
module.exports = {
  hooks: {
    beforePacking(pkg) {
      delete pkg.devDependencies;
      delete pkg.scripts;
      return pkg;
    },
  },
};
