/** Kept for importers outside the contract module (the auth plugin): the definitions live in src/services/contract/access.ts. */
export { employerReader, loadContract, readerKindOf, readerOf } from './contract/access.ts';
