export { LocalPullRequest, type LocalPullRequestOptions, type ResolvedRange, resolveRange, logCommits, commitPaths, defaultBranch, repositoryRoot, resolveCommit, toSnapshotCommit } from "./local-pull-request.js";
export { GitError, createGit, type Git } from "./run-git.js";
export { bothSides, loginFromEmail, parseLog, parseRaw } from "./parse.js";
export { identitiesFor, parseIdentityFlag, parseMailmap, type MailmapEntry } from "./identities.js";
