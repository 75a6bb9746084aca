'use strict';
/**
 * The failure converter of every client, worker and workflow bundle: Temporal's default one with
 * `encodeCommonAttributes`, so a failure's message and stack trace travel inside an encoded (hence
 * encrypted) payload instead of plain history fields. Plain JavaScript because the SDK loads it by path
 * (`require` in the worker and client, webpack alias in the workflow bundle).
 */
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
