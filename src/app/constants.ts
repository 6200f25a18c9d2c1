/** App-level constants. The check's name lives in model/check-name.ts (a loader reads it too). */

/** The `requested_action` identifier of the "Re-evaluate" button (GitHub caps it at 20 chars). */
export const REEVALUATE_ACTION = {
  label: "Re-evaluate",
  description: "Run Provenance Gate again",
  identifier: "reevaluate",
} as const;


/** How many pull requests a `push` to a policy re-evaluates at once. */
export const PUSH_REEVALUATION_CONCURRENCY = 4;


/** `gh-readonly-queue/<base>/pr-<N>-<sha>`: the branch GitHub's merge queue tests. */
export const MERGE_QUEUE_REF = /^(?:refs\/heads\/)?gh-readonly-queue\/(.+)\/pr-(\d+)-([0-9a-f]{40})$/;

/**
 * `external_id` prefix of the runs posted on merge-group commits. Only a `merge_group` event
 * creates them, so a re-run can trust it; a branch name is anyone's to choose.
 */
export const MERGE_GROUP_EXTERNAL_ID = "merge-group:";
