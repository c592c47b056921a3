import { DomainError } from "../shared/domain-error.js";

export const deadEventsNotFound = (ids: number[]) =>
  new DomainError(
    "DEAD_EVENT_NOT_FOUND",
    `no dead outbox event with id ${ids.join(", ")} (unknown, already sent, still being retried, or skipped); nothing was changed. List them with concert-admin outbox list`,
  );

export const deadEventSelectionInvalid = (verb: "replay" | "skip") =>
  new DomainError("VALIDATION_FAILED", `invalid request: name the dead events to ${verb} by id (ids from ListDeadEvents), or set all, but not both`);

export const topicWithoutAll = () =>
  new DomainError("VALIDATION_FAILED", "invalid request: topic: only applies with all; to pick events by id leave topic empty");
