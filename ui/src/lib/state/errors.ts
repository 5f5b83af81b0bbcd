// Plain-language headlines for failures, keyed by the error's code (never by its message).
import { BackendError } from '../backend';
import type { ErrorCode } from '../bindings/ErrorCode';

const HEADLINES: Record<ErrorCode, string> = {
  offline: "You're offline — your changes are kept and will sync later",
  credentialsMissing: 'This remote needs you to sign in',
  credentialsRejected: 'The remote did not accept your sign-in',
  busy: 'Flagdeck is busy with another task — try again in a moment',
  retry: 'That did not go through — please try again',
  notFound: 'That is no longer there',
  invalidInput: 'Please check what you entered',
  invalid: 'The project has a problem to fix first',
  unreadable: 'A file could not be read',
  storage: 'Flagdeck could not save its local data',
  git: 'Git reported a problem',
  io: 'Something went wrong reading or writing files',
  secrets: 'The system keychain could not be used',
  remoteNotTrusted: 'This remote is not trusted yet',
  identityMissing: 'Set up your identity first',
  refused: 'That is not allowed',
};

export type ErrorText = { code: ErrorCode | null; title: string; detail: string };

/** What a toast says about `error`: a headline from its code plus the host's own sentence. */
export function describeError(error: unknown): ErrorText {
  if (error instanceof BackendError) {
    return { code: error.code, title: HEADLINES[error.code], detail: error.message };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { code: null, title: 'Something went wrong', detail };
}
