import { DomainError } from "../shared/domain-error.js";

export const concertNotFound = (id: number) =>
  new DomainError("CONCERT_NOT_FOUND", `concert ${id} does not exist; list concerts with ListConcerts`);

export const scheduleNotFound = (id: number) =>
  new DomainError("SCHEDULE_NOT_FOUND", `schedule ${id} does not exist; list dates with ListSchedules`);
