import { ApiError } from '../api';

/** What to tell the person when a saved-report call fails; the explorer itself keeps working. */
export function reportMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong with saved reports. Please retry.';
  switch (error.code) {
    case 'UNAVAILABLE':
      return 'Saved reports are unavailable right now. The explorer still works; try again in a moment.';
    case 'DATASET_FORBIDDEN':
      return `This report cannot be opened: ${error.detail}`;
    case 'NOT_FOUND':
      return 'This report does not exist, was deleted, or is no longer shared with you.';
    case 'FORBIDDEN':
      return `You may not do this with this report. ${error.detail}`;
    case 'EDIT_CONFLICT':
      return 'Someone saved this report after you opened it.';
    default:
      return error.detail;
  }
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'EDIT_CONFLICT';
}
