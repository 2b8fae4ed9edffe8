/** The commit status context branch protection requires. */
export const STATUS_CONTEXT = 'change-control';
/** The check run that carries the readable report. */
export const CHECK_RUN_NAME = 'Change control';
