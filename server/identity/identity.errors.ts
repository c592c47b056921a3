import { DomainError } from "../shared/domain-error.js";

/** No JWT where one is required. */
export const signInFirst = () => new DomainError("UNAUTHENTICATED", "sign in first: send 'authorization: Bearer <JWT>'");
