/** Public API of the Defacto client layer: client, wire types, error taxonomy, retry policy, pagination. */
export * from './client';
export * from './errors';
export * from './pagination';
export * from './retry-policy';
export * from './wire';
