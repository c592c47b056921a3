import { DomainError } from "../shared/domain-error.js";

const REISSUE = "call QueueService.IssueToken for this concert and send the new token as 'x-queue-token'";

export const queueTokenMissing = () =>
  new DomainError("QUEUE_TOKEN_INVALID", `this RPC needs a queue token: ${REISSUE}`);
export const queueTokenTampered = () =>
  new DomainError("QUEUE_TOKEN_INVALID", `the queue token is malformed or its signature does not match: ${REISSUE}`);
export const queueTokenUnknown = () =>
  new DomainError("QUEUE_TOKEN_INVALID", `the queue token is not known to this waiting room: ${REISSUE}`);
export const queueTokenExpired = () =>
  new DomainError("QUEUE_TOKEN_INVALID", `the queue token has expired (timed out, left, removed or used by a payment): ${REISSUE}`);
export const queueTokenOfAnotherUser = () =>
  new DomainError("QUEUE_TOKEN_FOREIGN", "the queue token belongs to another user: use the token IssueToken gave you");
export const queueTokenOfAnotherConcert = (tokenConcert: number, concert: number) =>
  new DomainError("QUEUE_TOKEN_FOREIGN",
    `the queue token is for concert ${tokenConcert}, but this request concerns concert ${concert}: queue for concert ${concert} with IssueToken`);
export const queueTokenWaiting = (position: number) =>
  new DomainError("QUEUE_TOKEN_NOT_ACTIVE",
    `you are still waiting (position ${position}): follow WatchQueueStatus and retry once the ticket is ACTIVE`);
export const notInQueue = (concertId: number, userId: number) =>
  new DomainError("QUEUE_ENTRY_NOT_FOUND", `user ${userId} is neither waiting nor active for concert ${concertId}; see ListQueue`);
export const queueTokenBeforeOpen = () =>
  new DomainError("QUEUE_TOKEN_NOT_ACTIVE",
    "sales have not opened yet: you are in the pre-queue; follow WatchQueueStatus, your place is drawn at the opening");
export const queueTokenSoldOut = () =>
  new DomainError("QUEUE_TOKEN_NOT_ACTIVE", "every seat of this concert is sold: the line has ended");
export const openingPassed = (concertId: number) =>
  new DomainError("SALES_ALREADY_OPEN",
    `the sales of concert ${concertId} have opened (its draw ran or is due): the opening can no longer move`);
export const noDraw = (concertId: number) =>
  new DomainError("NO_DRAW", `concert ${concertId} has no scheduled opening, so there is no draw: its line is first come, first served`);
