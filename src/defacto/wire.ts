/**
 * Wire types of the Defacto API: zod schemas and their inferred types, written once and shared by the
 * client (response checking) and the emulator (request validation, response building). Field names are
 * the snake_case names of the OpenAPI document. Response schemas strip unknown keys.
 */
export * from './wire/enums';
export * from './wire/common';
export * from './wire/borrowers';
export * from './wire/invoices';
export * from './wire/loans';
export * from './wire/payments';
export * from './wire/webhooks';
export * from './wire/sandbox';
export * from './wire/eligibility';
export * from './wire/counterparties';
export * from './wire/onboarding';
export * from './wire/recollection';
