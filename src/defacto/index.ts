/** Public API of the Defacto client layer: client, wire types, error taxonomy, retry policy, pagination. */
export * from './client';
export type { OnboardingMethods } from './onboarding-client';
export type { InstallmentPlanMethods, RecollectionCaseListQuery, RecollectionMethods } from './recollection-client';
export * from './errors';
export * from './pagination';
export * from './retry-policy';
export * from './wire';
