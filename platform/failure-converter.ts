/**
 * Failure converter that moves error messages and stack traces into the encoded
 * attributes of a failure, so that the payload codec encrypts them too: an error
 * message can carry Sozialdaten ("Haushalt Müller nicht gefunden").
 * Loaded by path (failureConverterPath) into the client, the worker and the workflow bundle.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
