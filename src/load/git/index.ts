export { LocalPullRequest, type ResolvedRange, resolveRange, commitPaths, repositoryRoot, resolveCommit, toSnapshotCommit } from "./local-pull-request.js";
export { GitError, createGit, type Git } from "./run-git.js";
export { bothSides, loginFromEmail, parseLog } from "./parse.js";
export { parseIdentityFlag } from "./identities.js";
